//! Which plural form a whole number takes, per language: CLDR's cardinal rules, restricted to
//! the integers a duration can have (no fractions), for the languages the tool has words
//! for. A language without a rule here counts like English: "one" for 1, "other" otherwise.

use serde::Deserialize;

/// A CLDR plural category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Latvian's 0, 10, 11–19, 20, ...
    Zero,
    /// 1 (and, by language, 0, 21, 31, ...).
    One,
    /// 2 (Slovenian 102, ...; Irish, Maltese).
    Two,
    /// A small count: Polish 2–4, 22–24; Czech 2–4; ...
    Few,
    /// Polish 5–21, Maltese 11–19, Irish 7–10, French a million ...
    Many,
    /// Everything else.
    Other,
}

impl Category {
    /// Its key in a words file: `one`, `few`, ...
    pub fn key(self) -> &'static str {
        match self {
            Category::Zero => "zero",
            Category::One => "one",
            Category::Two => "two",
            Category::Few => "few",
            Category::Many => "many",
            Category::Other => "other",
        }
    }
}

/// The form `n` takes in `lang` (a primary subtag, lower case).
pub fn category(lang: &str, n: u32) -> Category {
    use Category::*;
    let (n10, n100) = (n % 10, n % 100);
    let teen = (11..=19).contains(&n100);
    match lang {
        // 0 and 1 are singular; a round million takes "de" in the written-out form.
        "fr" => match n {
            0 | 1 => One,
            _ if n.is_multiple_of(1_000_000) => Many,
            _ => Other,
        },
        "es" | "it" | "pt" => match n {
            1 => One,
            _ if n != 0 && n.is_multiple_of(1_000_000) => Many,
            _ => Other,
        },
        "is" => {
            if n10 == 1 && n100 != 11 {
                One
            } else {
                Other
            }
        }
        "cs" | "sk" => match n {
            1 => One,
            2..=4 => Few,
            _ => Other,
        },
        "pl" => match n {
            1 => One,
            _ if (2..=4).contains(&n10) && !(12..=14).contains(&n100) => Few,
            _ => Many,
        },
        "hr" | "bs" | "sr" => {
            if n10 == 1 && n100 != 11 {
                One
            } else if (2..=4).contains(&n10) && !(12..=14).contains(&n100) {
                Few
            } else {
                Other
            }
        }
        "lt" => {
            if n10 == 1 && !teen {
                One
            } else if (2..=9).contains(&n10) && !teen {
                Few
            } else {
                Other
            }
        }
        "lv" => {
            if n10 == 0 || teen {
                Zero
            } else if n10 == 1 {
                One
            } else {
                Other
            }
        }
        "sl" => match n100 {
            1 => One,
            2 => Two,
            3 | 4 => Few,
            _ => Other,
        },
        "ro" => {
            if n == 1 {
                One
            } else if n == 0 || (1..=19).contains(&n100) {
                Few
            } else {
                Other
            }
        }
        "mt" => match n {
            1 => One,
            2 => Two,
            _ if n == 0 || (3..=10).contains(&n100) => Few,
            _ if teen => Many,
            _ => Other,
        },
        "ga" => match n {
            1 => One,
            2 => Two,
            3..=6 => Few,
            7..=10 => Many,
            _ => Other,
        },
        _ => {
            if n == 1 {
                One
            } else {
                Other
            }
        }
    }
}

/// The categories whole numbers take in `lang`, in order: the forms its words must give.
pub fn categories(lang: &str) -> Vec<Category> {
    // Every category a rule above gives is met below 2,000,000 at one of these numbers.
    let mut seen: Vec<Category> = (0..=200)
        .chain([1_000_000, 2_000_000])
        .map(|n| category(lang, n))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen
}

#[cfg(test)]
mod tests {
    use super::Category::*;
    use super::*;

    #[test]
    fn the_slavic_and_baltic_languages_have_more_than_two_forms() {
        let forms = |lang: &str| -> Vec<Category> {
            [1, 2, 5, 12, 21, 22, 25, 111]
                .map(|n| category(lang, n))
                .to_vec()
        };
        assert_eq!(forms("pl"), [One, Few, Many, Many, Many, Few, Many, Many]);
        assert_eq!(
            forms("cs"),
            [One, Few, Other, Other, Other, Other, Other, Other]
        );
        assert_eq!(
            forms("hr"),
            [One, Few, Other, Other, One, Few, Other, Other]
        );
        assert_eq!(forms("lt"), [One, Few, Few, Other, One, Few, Few, Other]);
        assert_eq!(
            forms("lv"),
            [One, Other, Other, Zero, One, Other, Other, Zero]
        );
        assert_eq!(
            forms("sl"),
            [One, Two, Other, Other, Other, Other, Other, Other]
        );
        assert_eq!(forms("ro"), [One, Few, Few, Few, Other, Other, Other, Few]);
        assert_eq!(
            forms("mt"),
            [One, Two, Few, Many, Other, Other, Other, Many]
        );
        assert_eq!(
            forms("ga"),
            [One, Two, Few, Other, Other, Other, Other, Other]
        );
        assert_eq!(
            forms("is"),
            [One, Other, Other, Other, One, Other, Other, Other]
        );
        assert_eq!(
            forms("de"),
            [One, Other, Other, Other, Other, Other, Other, Other]
        );
        assert_eq!(category("fr", 0), One);
        assert_eq!(category("fr", 1_000_000), Many);
        assert_eq!(category("sl", 102), Two);
    }

    #[test]
    fn each_language_lists_the_categories_its_numbers_take() {
        assert_eq!(categories("en"), [One, Other]);
        assert_eq!(categories("pl"), [One, Few, Many]);
        assert_eq!(categories("fr"), [One, Many, Other]);
        assert_eq!(categories("lv"), [Zero, One, Other]);
        assert_eq!(categories("ga"), [One, Two, Few, Many, Other]);
        assert_eq!(categories("mt"), [One, Two, Few, Many, Other]);
        // A language the tool has no rule for counts like English.
        assert_eq!(categories("ar"), [One, Other]);
    }
}
