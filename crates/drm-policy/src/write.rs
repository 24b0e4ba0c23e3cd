//! Policy → JSON text, in the schema's member order, unset fields omitted (the member writers
//! come from the tables of [`crate::schema`]).

use crate::json_style::{JsonStyle, ObjectWriter};
use crate::model::*;

impl Policy {
    /// The policy JSON in `style`: `policy_version` first, then `playback_policy`,
    /// `security_policy`, `external_key`; inside each object the spec's key order; unset fields
    /// and empty lists omitted; `external_key` (never the Python sample's `external_policy`);
    /// never `"iv": null`.
    pub fn to_json(&self, style: JsonStyle) -> String {
        let mut out = String::with_capacity(1024);
        self.write_json(&mut out, style);
        out
    }

    /// Appends the policy JSON to `out` (see [`Policy::to_json`]).
    pub fn write_json(&self, out: &mut String, style: JsonStyle) {
        let mut o = ObjectWriter::begin_trusted(out, style);
        o.int("policy_version", Policy::VERSION);
        self.write_members(&mut o);
        o.end();
    }
}
