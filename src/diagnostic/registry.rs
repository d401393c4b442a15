//! The rule registry: one row per rule (id, class, default level, waivers, summary) and its
//! long doc in `src/rules/<id>.md`; everything that lists or explains rules reads it from here.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of failure a rule detects, which decides the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// The pages and the catalogue disagree: exit 1.
    Drift,
    /// The input cannot be understood: exit 2.
    BadInput,
}

impl Class {
    /// The word the rule table uses: `drift` or `bad input`.
    pub fn word(self) -> &'static str {
        match self {
            Class::Drift => "drift",
            Class::BadInput => "bad input",
        }
    }
}

/// How much a rule's findings matter when no flag says otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// An error.
    Error,
    /// A warning, whatever the run.
    Warning,
    /// A warning, and an error with `--strict`.
    StrictError,
    /// Information, never a failure unless `--deny` says so.
    Note,
}

impl Level {
    /// How the rule table says it.
    pub fn word(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::StrictError => "warning (--strict: error)",
            Level::Note => "note",
        }
    }
}

/// A way to waive a rule for less than a whole run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waiver {
    /// `allow.RULE = "reason"` in a cookie's entry.
    Cookie,
    /// An `[[allow]]` table naming the files.
    File,
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $class:ident, $level:ident, [$($waiver:ident),*], $doc:literal;)*) => {
        /// Stable identifier of each check; the ids are part of the JSON output.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $(#[doc = $doc] $variant,)*
        }

        impl Rule {
            /// Every rule, in documentation order.
            pub const ALL: &[Rule] = &[$(Rule::$variant,)*];

            /// The stable id printed in reports.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// Whether the rule reports drift or bad input.
            pub fn class(self) -> Class {
                match self { $(Rule::$variant => Class::$class,)* }
            }

            /// How much its findings matter when no flag says otherwise.
            pub fn level(self) -> Level {
                match self { $(Rule::$variant => Level::$level,)* }
            }

            /// The ways a catalogue may waive it for less than a whole run.
            pub fn waivers(self) -> &'static [Waiver] {
                match self { $(Rule::$variant => &[$(Waiver::$waiver),*],)* }
            }

            /// One line saying what the rule checks.
            pub fn explanation(self) -> &'static str {
                match self { $(Rule::$variant => $doc,)* }
            }

            /// The long doc, in Markdown: what it checks, why it matters, an example, the fix
            /// (`src/rules/<id>.md`).
            pub fn doc(self) -> &'static str {
                match self { $(Rule::$variant => include_str!(concat!("../rules/", $id, ".md")),)* }
            }
        }
    };
}

rules! {
    CatalogueSyntax = "catalogue-syntax", BadInput, Error, [], "catalogue.toml is not valid TOML or has an unknown or mistyped key";
    CatalogueInvalid = "catalogue-invalid", BadInput, Error, [], "catalogue.toml is well-formed but says something impossible (duplicate, unknown reference, bad duration, missing text)";
    Template = "template", BadInput, Error, [], "a table template fails to compile or to render";
    BadMarker = "bad-marker", BadInput, Error, [], "a marker names an unknown category or language, or sits where a table cannot go";
    Io = "io", BadInput, Error, [], "a file or folder cannot be read or written";
    UnsupportedFile = "unsupported-file", BadInput, Error, [], "a file the tool will not read or publish: a FIFO, socket or device, a link that leaves the site, a file too large, a page in an encoding it cannot read";
    UnsafeOutput = "unsafe-output", BadInput, Error, [], "--out or --inventory would delete or overwrite the site, the catalogue, its templates or a file cookie-ledger did not write";
    InternalError = "internal-error", BadInput, Error, [], "cookie-ledger itself failed on an input (a bug to report); nothing was written";
    RowDrift = "row-drift", Drift, Error, [], "a table row says something other than the catalogue";
    MissingRow = "missing-row", Drift, Error, [], "a generated table lacks a cookie the catalogue declares for it";
    ExtraRow = "extra-row", Drift, Error, [], "a table lists a cookie the catalogue does not declare there";
    MissingColumn = "missing-column", Drift, Error, [], "a generated table lacks a column of the catalogue";
    HiddenMarker = "hidden-marker", Drift, Error, [], "a marker sits inside a comment, <template>, <noscript> or a hidden element, so visitors never see its table";
    UncoveredCookie = "uncovered-cookie", Drift, Error, [], "a cookie the site uses appears on none of its policy pages";
    NoPolicyPage = "no-policy-page", Drift, Error, [], "a site has no page with a cookie table";
    StaleOutput = "stale-output", Drift, Error, [], "a file of the output folder differs from what a build would write, or is missing";
    UncheckedTable = "unchecked-table", Drift, Warning, [], "a cookie table sits on a page that belongs to no site of the catalogue";
    UndeclaredCookie = "undeclared-cookie", Drift, Error, [], "a page sets a cookie the catalogue does not declare for its site";
    DynamicCookieName = "dynamic-cookie-name", Drift, Warning, [File], "a script writes a cookie whose name is only known at run time, and no declaration settles it";
    PageOutsideSites = "page-outside-sites", Drift, Error, [File], "a page belongs to no site of the catalogue and sets a cookie, which is then declared nowhere";
    LoadedBeforeConsent = "loaded-before-consent", Drift, Error, [Cookie, File], "a service whose cookies need consent loads as the page loads, with nothing on the page holding it back";
    DurationMismatch = "duration-mismatch", Drift, Error, [Cookie], "a cookie's declared duration is shorter, or much longer, than the lifetime its writer states";
    UnseenCookie = "unseen-cookie", Drift, StrictError, [Cookie], "a cookie declared as set by a script or tag is set by no page of its site";
    PartyMismatch = "party-mismatch", Drift, Error, [Cookie], "a cookie's declared party contradicts what is known of the service that sets it";
    CategoryMismatch = "category-mismatch", Drift, Error, [Cookie], "a cookie's declared category contradicts what is known of the service that sets it";
    NecessaryAdvertising = "necessary-advertising", Drift, Error, [Cookie], "a known advertising cookie is declared necessary";
    ConsentExemptDuration = "consent-exempt-duration", Drift, Error, [Cookie], "a statistics cookie exempt from consent lives longer than 13 months (the CNIL's condition)";
    UnlistedPages = "unlisted-pages", Drift, Warning, [], "pages belong to no site of the catalogue and are not listed as outside every site; they set no cookie";
    LeftoverOutput = "leftover-output", Drift, Warning, [], "the new output is in place, but the previous one could not be removed";
    CookieDbInvalid = "cookie-db-invalid", BadInput, Error, [], "the --cookie-db file is not the Open Cookie Database's CSV export";
    EmptyMarker = "empty-marker", Drift, Error, [], "a marker holds no cookie table once its template has rendered";
    DuplicateRow = "duplicate-row", Drift, Error, [], "a table lists the same cookie in two rows";
    StaleTable = "stale-table", Drift, Error, [], "the table a marker holds in the site is not what the catalogue renders now";
    ExtraOutput = "extra-output", Drift, Error, [], "the output folder holds a file the site no longer has";
    StoredBeforeConsent = "stored-before-consent", Drift, Error, [Cookie], "a real browser stores a cookie or storage item whose category needs consent before the visitor chose";
    StoredAfterRefusal = "stored-after-refusal", Drift, Error, [Cookie], "a real browser stores a cookie or storage item whose category needs consent after the visitor refused";
    UndeclaredStorage = "undeclared-storage", Drift, Error, [], "a page stores a localStorage or sessionStorage key, an IndexedDB database or a Cache Storage cache that the catalogue does not declare for its site";
    AuditIncomplete = "audit-incomplete", BadInput, Error, [], "the audit could not visit a page or press a consent button, so it cannot vouch for what that page stores";
    NotStored = "not-stored", Drift, Note, [Cookie], "a declared cookie or storage item that no pass of the real-browser audit stored";
    LanguageParity = "language-parity", Drift, Error, [], "a language a site declares lacks a cookie table the site shows in another of its languages";
    Unstated = "unstated", Drift, StrictError, [Cookie], "a cookie declaration leaves out its function, purpose or duration, which its policy must tell visitors";
    StaleDate = "stale-date", Drift, Warning, [File], "a policy page states a date older than the catalogue's last change";
    UncheckedColumn = "unchecked-column", Drift, Note, [], "a hand-written cookie table has a column the catalogue holds nothing for, so what it says is not checked";
    ShardInvalid = "shard-invalid", BadInput, Error, [], "a file given to merge is not a shard of the same sharded check, or a shard of it is missing or given twice";
}

impl Rule {
    /// Whether a cookie may waive the rule with `[cookie.allow]`.
    pub fn waivable_per_cookie(self) -> bool {
        self.waivers().contains(&Waiver::Cookie)
    }

    /// Whether the catalogue may waive the rule for some files with `[[allow]]`.
    pub fn waivable_per_file(self) -> bool {
        self.waivers().contains(&Waiver::File)
    }

    /// Whether `--allow` and `--warn` may lower it for a run: only drift, never bad input.
    pub fn waivable_per_run(self) -> bool {
        self.class() == Class::Drift
    }

    /// How it can be waived, as the rule table says it: `cookie, files, run`, or `-`.
    pub fn waiver_words(self) -> String {
        let words: Vec<&str> = self
            .waivers()
            .iter()
            .map(|w| match w {
                Waiver::Cookie => "cookie",
                Waiver::File => "files",
            })
            .chain(self.waivable_per_run().then_some("run"))
            .collect();
        if words.is_empty() {
            "-".to_owned()
        } else {
            words.join(", ")
        }
    }

    /// Its page, in Markdown: id, summary, class, severity, waivers, then the long doc.
    pub fn page(self) -> String {
        format!(
            "# {}\n\nReported when {}.\n\nClass: {}. Severity: {}. Waivable per: {}.\n\n{}",
            self.id(),
            self.explanation(),
            self.class().word(),
            self.level().word(),
            self.waiver_words(),
            self.doc()
        )
    }

    /// The first section of its long doc, as plain text.
    pub fn what_it_checks(self) -> &'static str {
        let doc = self.doc();
        let body = doc.strip_prefix("## What it checks").unwrap_or(doc);
        body.split("\n## ").next().unwrap_or(body).trim()
    }

    /// The rule whose id is `id`.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?;
        Rule::from_id(&id)
            .ok_or_else(|| serde::de::Error::custom(format_args!("no rule is named `{id}`")))
    }
}
