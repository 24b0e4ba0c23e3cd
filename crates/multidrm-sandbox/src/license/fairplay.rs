//! The SPC of a FairPlay license request, from every body shape of `license.md` §2.5
//! (`vectors/license/fairplay_bodies.json`): `spc=` with percent-encoded or unencoded base64,
//! `spc=…&<assetId>`, bare base64 (with or without a Content-Type), `?spc=` in the URL with the
//! raw SPC as the body.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::codes::LicenseErrorCode as E;
use super::lookup::{QueryParams, decode, repair_base64};

const LENIENT_B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The SPC of a request and the asset id some clients append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpcRequest {
    /// The SPC bytes.
    pub(crate) spc: Vec<u8>,
    /// `&<assetId>` or `assetId=` after the SPC, if any.
    pub(crate) asset_id: Option<String>,
}

/// Reads the SPC: 7305 when there is none, 7317 when it is not base64.
pub(crate) fn read_spc(body: &[u8], query: &QueryParams) -> Result<SpcRequest, E> {
    if let Some(value) = query.get("spc") {
        return Ok(SpcRequest {
            spc: decode_spc(&repair_base64(value))?,
            asset_id: None,
        });
    }
    let Ok(text) = std::str::from_utf8(body) else {
        // Raw SPC bytes with no `spc` anywhere: take them as they are.
        return Ok(SpcRequest {
            spc: body.to_vec(),
            asset_id: None,
        });
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(E::SpcMissing);
    }
    if !text.split('&').any(|part| part.starts_with("spc=")) {
        let bare = if text.contains('%') {
            decode(text)
        } else {
            text.to_owned()
        };
        return Ok(SpcRequest {
            spc: decode_spc(&repair_base64(&bare))?,
            asset_id: None,
        });
    }
    let mut spc = None;
    let mut asset_id = None;
    for part in text.split('&') {
        match part.split_once('=') {
            Some(("spc", value)) if spc.is_none() => spc = Some(decode(value)),
            Some(("assetId" | "asset_id", value)) => asset_id = Some(decode(value)),
            None if !part.is_empty() => asset_id = Some(decode(part)),
            _ => {}
        }
    }
    let spc = spc.map(|s| repair_base64(&s)).filter(|s| !s.is_empty());
    Ok(SpcRequest {
        spc: decode_spc(&spc.ok_or(E::SpcMissing)?)?,
        asset_id,
    })
}

fn decode_spc(text: &str) -> Result<Vec<u8>, E> {
    if text.is_empty() {
        return Err(E::SpcMissing);
    }
    LENIENT_B64
        .decode(text)
        .ok()
        .filter(|bytes| !bytes.is_empty())
        .ok_or(E::SpcInvalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPC_B64: &str = "8PHy8/T19vf4+fr7/P3+//v/+//7//v/AQ==";
    const PCT: &str = "8PHy8%2FT19vf4%2Bfr7%2FP3%2B%2F%2Fv%2F%2B%2F%2F7%2F%2Fv%2FAQ%3D%3D";

    fn spc() -> Vec<u8> {
        LENIENT_B64.decode(SPC_B64).expect("vector")
    }

    #[test]
    fn shapes() {
        let none = QueryParams::default();
        for body in [
            format!("spc={PCT}"),
            format!("spc={SPC_B64}"),
            SPC_B64.to_owned(),
            format!("{SPC_B64}\n"),
        ] {
            assert_eq!(read_spc(body.as_bytes(), &none).expect(&body).spc, spc());
        }
        let with_asset =
            read_spc(format!("spc={PCT}&demo-bbb-simple").as_bytes(), &none).expect("asset id");
        assert_eq!(with_asset.asset_id.as_deref(), Some("demo-bbb-simple"));
        let query = QueryParams::parse(Some(&format!("spc={PCT}")));
        assert_eq!(read_spc(&spc(), &query).expect("query").spc, spc());
    }

    #[test]
    fn missing_and_invalid() {
        let none = QueryParams::default();
        assert_eq!(read_spc(b"", &none), Err(E::SpcMissing));
        assert_eq!(read_spc(b"spc=", &none), Err(E::SpcMissing));
        assert_eq!(read_spc(b"spc=&x", &none), Err(E::SpcMissing));
        assert_eq!(read_spc(b"spc=!!!", &none), Err(E::SpcInvalid));
        assert_eq!(read_spc(b"not base64 at all?", &none), Err(E::SpcInvalid));
    }
}
