//! Property tests: hostile bytes never panic the signalling decoders; encoders round-trip.
#![allow(clippy::unwrap_used, missing_docs)]

use drm_cpix::fairplay::{HlsKeyLine, HlsKeyTag, HlsMethod, SkdUri};
use drm_cpix::playready::{PlayReadyKid, PlayReadyObject, WrmHeader};
use drm_cpix::pssh::PsshBox;
use drm_cpix::widevine::{WidevineAlgorithm, WidevinePsshData};
use drm_policy::KeyId;
use proptest::prelude::*;
use uuid::Uuid;

fn kid() -> impl Strategy<Value = KeyId> {
    any::<[u8; 16]>().prop_map(KeyId::from_bytes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every box a scan reports lies inside the input, in order, and a box that decodes
    /// re-reads alone to the same box.
    #[test]
    fn scanned_boxes_frame_the_input(
        sizes in proptest::collection::vec(0usize..40, 1..5),
        noise in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut bytes = Vec::new();
        for (i, n) in sizes.iter().enumerate() {
            let b = PsshBox::v0(drm_cpix::system::WIDEVINE_SYSTEM_ID, vec![u8::try_from(i).unwrap(); *n]);
            bytes.extend(b.to_bytes().unwrap());
        }
        bytes.extend(&noise);
        let scan = drm_cpix::pssh::scan(&bytes);
        prop_assert!(scan.boxes.len() >= sizes.len());
        let mut end = 0;
        for b in &scan.boxes {
            prop_assert_eq!(b.offset, end);
            end = b.offset + b.len;
            prop_assert!(end <= bytes.len());
            if let Ok(p) = &b.result {
                prop_assert_eq!(&PsshBox::parse(&bytes[b.offset..end]).unwrap(), p);
            }
        }
        for b in &scan.boxes[..sizes.len()] {
            prop_assert!(b.result.is_ok());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = PsshBox::parse(&bytes);
        let _ = PsshBox::parse_all(&bytes);
        let _ = drm_cpix::pssh::scan(&bytes);
        let _ = drm_cpix::pssh::scan_segment(&bytes);
        let _ = WidevinePsshData::parse(&bytes);
        let _ = PlayReadyObject::parse(&bytes).map(|p| p.wrm_header());
        let text = String::from_utf8_lossy(&bytes);
        let _ = WrmHeader::parse_xml(&text);
        let _ = SkdUri::parse(&text);
        let _ = HlsKeyLine::parse(&text);
        let _ = PsshBox::from_base64(&text);
    }

    #[test]
    fn pssh_header_mutations_never_panic(
        data in proptest::collection::vec(any::<u8>(), 0..64),
        pos in 0usize..40,
        byte in any::<u8>(),
        v1 in any::<bool>(),
    ) {
        let b = if v1 {
            PsshBox::v1(Uuid::nil(), vec![KeyId::from_bytes([3; 16])], data)
        } else {
            PsshBox::v0(Uuid::nil(), data)
        };
        let mut bytes = b.to_bytes().unwrap();
        if let Some(x) = bytes.get_mut(pos) {
            *x = byte;
        }
        let _ = PsshBox::parse(&bytes);
    }

    #[test]
    fn xml_like_text_never_panics(s in "(<[A-Z_/]{0,12}( [A-Za-z]{1,8}=\"[^\"]{0,12}\")?/?>|[a-zA-Z0-9&;#=+/]{0,8}){0,16}") {
        let _ = WrmHeader::parse_xml(&s);
        let _ = WrmHeader::parse_xml(&format!("<WRMHEADER version=\"4.3.0.0\"><DATA>{s}</DATA></WRMHEADER>"));
    }

    #[test]
    fn pssh_round_trip(
        system in any::<u128>(),
        kids in proptest::collection::vec(kid(), 0..4),
        data in proptest::collection::vec(any::<u8>(), 0..128),
        v1 in any::<bool>(),
    ) {
        let b = if v1 {
            PsshBox::v1(Uuid::from_u128(system), kids, data)
        } else {
            PsshBox::v0(Uuid::from_u128(system), data)
        };
        let bytes = b.to_bytes().unwrap();
        prop_assert_eq!(PsshBox::parse(&bytes).unwrap(), b);
    }

    #[test]
    fn widevine_round_trip(
        kids in proptest::collection::vec(kid(), 0..4),
        provider in proptest::option::of("[a-z]{0,12}"),
        content_id in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40)),
        track in proptest::option::of("(SD|HD|UHD1|AUDIO)"),
        period in proptest::option::of(any::<u32>()),
        scheme in proptest::option::of(any::<u32>()),
    ) {
        let d = WidevinePsshData {
            algorithm: Some(WidevineAlgorithm::AesCtr),
            key_ids: kids,
            provider,
            content_id,
            track_type: track,
            crypto_period_index: period,
            protection_scheme: scheme,
            ..Default::default()
        };
        prop_assert_eq!(WidevinePsshData::parse(&d.to_bytes()).unwrap(), d);
    }

    #[test]
    fn playready_round_trip_and_checksum(
        kids in proptest::collection::vec((kid(), any::<[u8; 16]>()), 0..4),
        la_url in proptest::option::of("https://[a-z.]{1,20}/[a-zA-Z0-9?&=<>._-]{0,30}"),
        period in proptest::option::of(any::<u64>()),
    ) {
        let mut h = WrmHeader::v4_3(
            kids.iter().map(|(k, key)| PlayReadyKid::aes_ctr(*k, key)).collect(),
            la_url,
        );
        if let Some(p) = period {
            h = h.with_period_index(p);
        }
        let pro = PlayReadyObject::parse(&h.to_object().unwrap().to_bytes().unwrap()).unwrap();
        let back = pro.wrm_header().unwrap();
        prop_assert_eq!(&back, &h);
        prop_assert_eq!(back.period_index(), period);
        for (k, key) in &kids {
            prop_assert_eq!(back.verify_key(k, key), drm_cpix::playready::ChecksumCheck::Valid);
        }
    }

    #[test]
    fn skd_and_hls_round_trip(k in kid(), cid in "[A-Za-z0-9_-]{1,40}", period in any::<u64>(), iv in any::<[u8; 16]>()) {
        let a = SkdUri::for_key_id(&k);
        prop_assert_eq!(SkdUri::parse(&a.to_string()).unwrap().key_id(), Some(k));
        let b = SkdUri::for_period(&cid, period).unwrap();
        prop_assert_eq!(b.rotation(), Some((cid.as_str(), period)));
        let line = HlsKeyLine::fairplay(HlsKeyTag::SessionKey, &b).iv(iv);
        prop_assert_eq!(HlsKeyLine::parse(&line.to_line().unwrap()).unwrap(), line);
        let plain = HlsKeyLine::with_uri(HlsKeyTag::Key, HlsMethod::Aes128, "https://k/x?a=1&b=2", Some(iv));
        prop_assert_eq!(HlsKeyLine::parse(&plain.to_line().unwrap()).unwrap(), plain);
    }
}
