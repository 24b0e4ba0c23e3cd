//! Video/audio usage-rule filters from DoveRunner's pixel table (spec §2.4).
//!
//! Pixels are width × height. The table (PallyConCpixModule): SD `(−∞, 414720]` (720×576),
//! HD `[921600, 2073600]` (1280×720 – 1920×1080), UHD1 `[8294400, 8294400]` (3840×2160),
//! UHD2 `[33177600, ∞)` (7680×4320). When a ladder of video keys is requested, the lowest filter
//! omits `minPixels` and the highest omits `maxPixels`, so the ladder covers every resolution;
//! a single video key gets an empty `VideoFilter`. AUDIO gets an empty `AudioFilter`.
//!
//! The official v1.6 clients send no filters; the KMS keys its policy off `intendedTrackType`.
//! Filters are therefore opt-in ([`crate::request::CpixRequestBuilder::filters`]).

use drm_policy::TrackType;

/// The pixel range of a track type in DoveRunner's table: `(minPixels, maxPixels)`.
pub const fn pixel_range(track: TrackType) -> Option<(Option<u64>, Option<u64>)> {
    match track {
        TrackType::Sd => Some((None, Some(414_720))),
        TrackType::Hd => Some((Some(921_600), Some(2_073_600))),
        TrackType::Uhd1 => Some((Some(8_294_400), Some(8_294_400))),
        TrackType::Uhd2 => Some((Some(33_177_600), None)),
        _ => None,
    }
}

/// The track type of a video rendition of `width` × `height`, by the pixel table. Resolutions
/// between two classes (e.g. 960×540, 2560×1440) go to the class below.
pub fn track_for_resolution(width: u32, height: u32) -> TrackType {
    let pixels = u64::from(width) * u64::from(height);
    if pixels < 921_600 {
        TrackType::Sd
    } else if pixels < 8_294_400 {
        TrackType::Hd
    } else if pixels < 33_177_600 {
        TrackType::Uhd1
    } else {
        TrackType::Uhd2
    }
}

/// A usage-rule filter written into a request (and echoed by the KMS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UsageFilter {
    /// `<cpix:VideoFilter minPixels=… maxPixels=…/>` (either bound may be absent).
    Video {
        /// `minPixels`.
        min_pixels: Option<u64>,
        /// `maxPixels`.
        max_pixels: Option<u64>,
    },
    /// An empty `<cpix:AudioFilter/>`.
    Audio,
}

/// The filters for the keys of a multi-key request, in the same order as `tracks`.
pub fn ladder(tracks: &[TrackType]) -> Vec<Option<UsageFilter>> {
    let video: Vec<TrackType> = tracks
        .iter()
        .copied()
        .filter(|t| pixel_range(*t).is_some())
        .collect();
    // Video tracks come in KEY_TRACKS order, which ranks them by resolution.
    let lowest = video.first().copied();
    let highest = video.last().copied();
    tracks
        .iter()
        .map(|t| match pixel_range(*t) {
            Some((min, max)) => Some(UsageFilter::Video {
                min_pixels: if Some(*t) == lowest { None } else { min },
                max_pixels: if Some(*t) == highest { None } else { max },
            }),
            None if *t == TrackType::Audio => Some(UsageFilter::Audio),
            None => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolutions_map_to_tracks() {
        assert_eq!(track_for_resolution(720, 576), TrackType::Sd);
        assert_eq!(track_for_resolution(960, 540), TrackType::Sd);
        assert_eq!(track_for_resolution(1280, 720), TrackType::Hd);
        assert_eq!(track_for_resolution(1920, 1080), TrackType::Hd);
        assert_eq!(track_for_resolution(2560, 1440), TrackType::Hd);
        assert_eq!(track_for_resolution(3840, 2160), TrackType::Uhd1);
        assert_eq!(track_for_resolution(7680, 4320), TrackType::Uhd2);
    }

    #[test]
    fn ladder_opens_both_ends() {
        let f = ladder(&[
            TrackType::Audio,
            TrackType::Sd,
            TrackType::Hd,
            TrackType::Uhd1,
            TrackType::Uhd2,
        ]);
        assert_eq!(f[0], Some(UsageFilter::Audio));
        assert_eq!(
            f[1],
            Some(UsageFilter::Video {
                min_pixels: None,
                max_pixels: Some(414_720)
            })
        );
        assert_eq!(
            f[2],
            Some(UsageFilter::Video {
                min_pixels: Some(921_600),
                max_pixels: Some(2_073_600)
            })
        );
        assert_eq!(
            f[4],
            Some(UsageFilter::Video {
                min_pixels: Some(33_177_600),
                max_pixels: None
            })
        );
        let single = ladder(&[TrackType::Hd]);
        assert_eq!(
            single[0],
            Some(UsageFilter::Video {
                min_pixels: None,
                max_pixels: None
            })
        );
    }
}
