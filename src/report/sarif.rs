//! The SARIF 2.1.0 report: every rule's metadata from the registry, every finding as a result
//! with its place, for code-scanning dashboards.

use std::io::{self, Write};

use crate::build::Outcome;

/// Writes `outcome` as a SARIF 2.1.0 log.
pub(super) fn write(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    use serde_json::{Value, json};
    let rules: Vec<Value> = crate::diagnostic::Rule::ALL
        .iter()
        .map(|r| {
            let mut rule = json!({
                "id": r.id(),
                "shortDescription": { "text": r.explanation() },
                "fullDescription": { "text": r.what_it_checks() },
                "help": { "text": r.doc(), "markdown": r.page() },
                "defaultConfiguration": { "level": match r.level() {
                    crate::diagnostic::Level::Error => "error",
                    crate::diagnostic::Level::Note => "note",
                    _ => "warning",
                } },
            });
            // Code-scanning dashboards link a rule to its page; only a published repository has one.
            let repository = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
            if !repository.is_empty() {
                rule["helpUri"] = json!(format!("{repository}/blob/main/docs/rules/{}.md", r.id()));
            }
            rule
        })
        .collect();
    let results: Vec<Value> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            for extra in [&d.evidence, &d.help].into_iter().flatten() {
                text.push('\n');
                text.push_str(extra);
            }
            let mut result = json!({
                "ruleId": d.rule.id(),
                "ruleIndex": crate::diagnostic::Rule::ALL.iter().position(|r| *r == d.rule).unwrap_or(0),
                "level": d.severity.word(),
                "message": { "text": text },
            });
            if let Some(l) = &d.location {
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&l.file) },
                        "region": { "startLine": l.line, "startColumn": l.column },
                    }
                }]);
            }
            if !d.places.is_empty() {
                let related: Vec<Value> = d
                    .places
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        json!({
                            "id": i,
                            "message": { "text": p.role },
                            "physicalLocation": {
                                "artifactLocation": { "uri": uri(&p.location.file) },
                                "region": { "startLine": p.location.line, "startColumn": p.location.column },
                            }
                        })
                    })
                    .collect();
                result["relatedLocations"] = Value::Array(related);
            }
            let mut properties = serde_json::Map::new();
            if let Some(diff) = &d.diff {
                properties.insert("diff".into(), json!(diff));
            }
            if let Some(suggestion) = &d.suggestion {
                properties.insert("suggestion".into(), json!(suggestion));
            }
            if !properties.is_empty() {
                result["properties"] = Value::Object(properties);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "cookie-ledger",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// A relative path as a URI reference: `/`-separated, with the characters URIs reserve escaped.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
