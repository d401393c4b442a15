//! The category a table's heading names: a known category by the words of its heading, in
//! the languages the tool knows best, else the heading itself as an id.

/// Words that name a category in the headings of real policies, in the languages the tool
/// knows best, checked in this order (a "necessary ... functionality" heading is necessary).
const CATEGORIES: &[(&str, &[&str])] = &[
    (
        "necessary",
        &[
            "necessary",
            "essential",
            "strictly",
            "required",
            "nécessaire",
            "indispensable",
            "essentiel",
            "noodzakelijk",
            "notwendig",
            "erforderlich",
            "necesari",
            "necessari",
            "nødvendig",
            "nödvändig",
            "välttämättömät",
            "niezbędne",
            "nezbytné",
            "technical",
            "technique",
            "technisch",
        ],
    ),
    (
        "statistics",
        &[
            "statisti",
            "estadístic",
            "statystyk",
            "analytic",
            "analytiq",
            "analyse",
            "audience",
            "measurement",
            "mesure",
            "performance",
            "prestatie",
        ],
    ),
    (
        "marketing",
        &[
            "marketing",
            "advertis",
            "targeting",
            "publicit",
            "ciblage",
            "reclame",
            "werbung",
            "pubblicit",
            "social media",
            "réseaux sociaux",
            "tracking",
        ],
    ),
    (
        "preferences",
        &[
            "preference",
            "préférence",
            "voorkeur",
            "präferenz",
            "functional",
            "fonctionnel",
            "functioneel",
            "funktional",
            "personnalisation",
            "personalis",
        ],
    ),
];

/// The category id a heading names: a known category's, else the heading as an id.
pub(super) fn classify(title: &str) -> String {
    let lower = title.to_lowercase();
    if let Some((id, _)) = CATEGORIES
        .iter()
        .find(|(_, words)| words.iter().any(|w| lower.contains(w)))
    {
        return (*id).to_owned();
    }
    let slug: Vec<String> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(4)
        .map(str::to_owned)
        .collect();
    if slug.is_empty() {
        "cookies".to_owned()
    } else {
        slug.join("-")
    }
}

#[cfg(test)]
mod tests {
    use super::classify;

    #[test]
    fn names_categories_from_headings_in_several_languages() {
        for (title, id) in [
            (
                "Cookies necessary for the platform to function properly/functionality cookies",
                "necessary",
            ),
            ("Cookies nécessaires au bon fonctionnement", "necessary"),
            ("Statistische cookies", "statistics"),
            ("Cookies de mesure d'audience", "statistics"),
            ("Werbung", "marketing"),
            ("Preference cookies", "preferences"),
            ("Social cookies", "social-cookies"),
            ("", "cookies"),
        ] {
            assert_eq!(classify(title), id, "{title}");
        }
    }
}
