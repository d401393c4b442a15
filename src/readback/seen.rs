//! What the read-back pass records of scripts and markers.

/// An inline script whose end tag is awaited.
#[derive(Debug)]
pub(super) struct OpenScript {
    /// Where its text starts: the end of its start tag. (Not where the first text chunk says:
    /// text decoded from bytes held across chunks is placed at the later chunk.)
    pub(super) start: usize,
    /// Its text so far.
    pub(super) text: String,
    /// Whether a consent manager parks it.
    pub(super) gated: bool,
    /// Whether it is a module.
    pub(super) module: bool,
    /// For a script in SVG, its element's offset.
    pub(super) svg: Option<usize>,
}

/// One inline `<script>`.
#[derive(Debug)]
pub struct InlineScript {
    /// Output offset of its first character.
    pub offset: usize,
    /// Its text.
    pub code: String,
    /// Whether its type parks it until a consent manager turns it on.
    pub gated: bool,
    /// Whether it is a module (`type="module"`), where `<!--` is no comment.
    pub module: bool,
    /// Code from an attribute (`onload`, a `javascript:` URL) or an SVG script with its entities
    /// read: its offsets are not the page's, so what it sets is placed at its element.
    pub at_element: bool,
}

/// One marker element met in the output.
#[derive(Debug)]
pub struct MarkerSeen {
    /// Output offset of its start tag.
    pub offset: usize,
    /// Output offset of its end tag, once seen.
    pub end: Option<usize>,
    /// Why nobody sees it, when nobody does: inside `<template>`, or a hidden element.
    pub hidden: Option<&'static str>,
}
