//! One value for every finding the tool reports, and the exit code they add up to.

use std::fmt;

use serde::{Deserialize, Serialize};

mod registry;

pub use registry::{Class, Level, Rule, Waiver};

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the run.
    Error,
    /// Reported, does not change the exit code.
    Warning,
    /// Information a person reads beside the findings: evidence the run could not add.
    Note,
}

impl Severity {
    /// The word reports use: `error` or `warning`.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// What the flags of one run make of each rule's findings: the one place severity is decided.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// `--strict`: warnings that hide a possible gap become errors.
    pub strict: bool,
    /// `--allow RULE`: not reported.
    pub allow: Vec<Rule>,
    /// `--warn RULE`: reported as warnings.
    pub warn: Vec<Rule>,
    /// `--deny RULE`: reported as errors.
    pub deny: Vec<Rule>,
}

impl Policy {
    /// The severity of a finding of `rule` in this run, or `None` when the run waives it.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        // Bad input is an error whatever the flags say: nothing after it was checked.
        if rule.class() == Class::BadInput {
            return Some(Severity::Error);
        }
        if self.allow.contains(&rule) {
            return None;
        }
        if self.deny.contains(&rule) {
            return Some(Severity::Error);
        }
        if self.warn.contains(&rule) {
            return Some(Severity::Warning);
        }
        Some(match rule.level() {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Note => Severity::Note,
            Level::StrictError if self.strict => Severity::Error,
            Level::StrictError => Severity::Warning,
        })
    }

    /// Gives every finding its severity in this run, and drops those the run waives.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain_mut(|d| match self.severity(d.rule) {
            Some(severity) => {
                d.severity = severity;
                true
            }
            None => false,
        });
    }
}

/// A place in a file, 1-based.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path as the user gave it (joined with the page's path in the site).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Location {
    /// A location at `line:column` of `file`.
    pub fn new(file: impl Into<String>, (line, column): (usize, usize)) -> Self {
        Location {
            file: file.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Another place a finding holds for: where the same cookie is set, or a page that loads the script that sets it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Place {
    /// Where.
    #[serde(flatten)]
    pub location: Location,
    /// What happens there: `sets`, or `loads <script>`.
    pub role: String,
}

/// One finding: what is wrong, where, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Which check found it.
    pub rule: Rule,
    /// Where, when a place is known.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// What is wrong, in lower case, without a trailing period.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// A unified diff: `-` lines are the catalogue's, `+` lines the page's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// What shows the finding: the line that sets a cookie, the tag that implies it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Text ready to paste into the catalogue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// Every place the finding holds for, its own first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<Place>,
    /// The cookie or storage item the finding is about, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
}

/// The cookie or storage item a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// Where it is stored.
    pub kind: crate::storage::Storage,
    /// Its name (or the pattern declared or found).
    pub name: String,
    /// The ids of the sites the finding holds for; empty when it is not about sites.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<String>,
}

impl Diagnostic {
    /// A finding of `rule` with `message`, as severe as the rule is when no flag says otherwise
    /// ([`Policy`] decides it for a run).
    pub fn new(rule: Rule, location: Option<Location>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Policy::default().severity(rule).unwrap_or(Severity::Error),
            rule,
            location,
            message: message.into(),
            help: None,
            diff: None,
            evidence: None,
            suggestion: None,
            places: Vec::new(),
            subject: None,
        }
    }

    /// Says which cookie or storage item the finding is about.
    pub fn about(mut self, kind: crate::storage::Storage, name: impl Into<String>) -> Self {
        self.subject = Some(Subject {
            kind,
            name: name.into(),
            sites: Vec::new(),
        });
        self
    }

    /// Says which cookie or storage item the finding is about, on which sites (by id).
    pub fn about_on(
        mut self,
        kind: crate::storage::Storage,
        name: impl Into<String>,
        sites: impl IntoIterator<Item = String>,
    ) -> Self {
        self.subject = Some(Subject {
            kind,
            name: name.into(),
            sites: sites.into_iter().collect(),
        });
        self
    }

    /// Adds a hint saying what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a unified diff.
    pub fn with_diff(mut self, diff: String) -> Self {
        self.diff = Some(diff);
        self
    }

    /// Adds what shows the finding.
    pub fn with_evidence(mut self, evidence: String) -> Self {
        self.evidence = Some(evidence);
        self
    }

    /// Adds text ready to paste into the catalogue.
    pub fn with_suggestion(mut self, suggestion: String) -> Self {
        self.suggestion = Some(suggestion);
        self
    }

    /// Adds every place the finding holds for.
    pub fn with_places(mut self, places: Vec<Place>) -> Self {
        self.places = places;
        self
    }

    /// Sort key: file, line, column, then rule, so reports are stable.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (self.location.as_ref(), self.rule, &self.message)
    }
}

/// The headline of a finding: `file:line:col: error[rule]: message`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(l) = &self.location {
            write!(f, "{l}: ")?;
        }
        write!(
            f,
            "{}[{}]: {}",
            self.severity.word(),
            self.rule,
            self.message
        )
    }
}

/// The process exit code, documented in README.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ExitCode {
    /// No error found.
    Clean = 0,
    /// Drift between the pages and the catalogue.
    Drift = 1,
    /// Bad input or usage.
    BadInput = 2,
}

impl ExitCode {
    /// The code that `diagnostics` add up to: bad input wins over drift.
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error);
        let mut code = ExitCode::Clean;
        for d in errors {
            match d.rule.class() {
                Class::BadInput => return ExitCode::BadInput,
                Class::Drift => code = ExitCode::Drift,
            }
        }
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_decides_every_severity() {
        let default = Policy::default();
        assert_eq!(default.severity(Rule::RowDrift), Some(Severity::Error));
        assert_eq!(
            default.severity(Rule::DynamicCookieName),
            Some(Severity::Warning)
        );
        assert_eq!(
            default.severity(Rule::UnseenCookie),
            Some(Severity::Warning)
        );
        let strict = Policy {
            strict: true,
            ..Policy::default()
        };
        assert_eq!(strict.severity(Rule::UnseenCookie), Some(Severity::Error));
        assert_eq!(
            strict.severity(Rule::DynamicCookieName),
            Some(Severity::Warning)
        );
        let flags = Policy {
            strict: true,
            allow: vec![Rule::ExtraRow, Rule::Io],
            warn: vec![Rule::UnseenCookie, Rule::Template],
            deny: vec![Rule::DynamicCookieName],
        };
        assert_eq!(flags.severity(Rule::ExtraRow), None);
        assert_eq!(flags.severity(Rule::UnseenCookie), Some(Severity::Warning));
        assert_eq!(
            flags.severity(Rule::DynamicCookieName),
            Some(Severity::Error)
        );
        // Bad input stays an error, whatever a caller passes.
        assert_eq!(flags.severity(Rule::Io), Some(Severity::Error));
        assert_eq!(flags.severity(Rule::Template), Some(Severity::Error));
        let mut found = vec![
            Diagnostic::new(Rule::ExtraRow, None, "a"),
            Diagnostic::new(Rule::DynamicCookieName, None, "b"),
        ];
        flags.apply(&mut found);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(ExitCode::of(&found), ExitCode::Drift);
    }
}
