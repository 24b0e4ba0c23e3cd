//! The official error codes as open enums: the documented values as variants, anything else
//! kept as received ([`ServiceCode::Unknown`], [`GatewayCode::Unknown`]). Both compare with
//! their wire text (`code == "281003"`).

use super::open_enum::open_enum;

open_enum!(
    /// A One Click Multi DRM service error `code` (`{"error":{"code","name","message"}}`), from
    /// NAVER's published list (`one-click-multi-drm-error-code`; the list mixes 6- and 7-digit
    /// codes, kept as published).
    ServiceCode {
        /// `280000 EXCEPTION`
        Exception => "280000",
        /// `280001 JSON_PARSE_FAILED_EXCEPTION`
        JsonParseFailed => "280001",
        /// `280002 WEB_COMMON_UNHANDLED_EXCEPTION`
        UnhandledException => "280002",
        /// `280003 WEB_INVALID_PARAMETER_TYPE_TWO_PARAM`
        InvalidParameter => "280003",
        /// `280004 WEB_INVALID_MULTIPART_REQUEST_EXCEPTION`
        InvalidMultipartRequest => "280004",
        /// `280005 INTERNAL_STORAGE_NOT_APPLIED`
        StorageNotApplied => "280005",
        /// `280006 INTERNAL_STORAGE_INVALID_API_KEY`
        StorageInvalidApiKey => "280006",
        /// `280007 INTERNAL_STORAGE_NOT_AUTHORIZED`
        StorageNotAuthorized => "280007",
        /// `280008 INTERNAL_STORAGE_ERROR_999999`
        StorageError => "280008",
        /// `280009 INTERNAL_STORAGE_UNSUPPORTED_REGION`
        StorageUnsupportedRegion => "280009",
        /// `280010 INTERNAL_STORAGE_INVALID_RESOURCE`
        StorageInvalidResource => "280010",
        /// `280011 INTERNAL_STORAGE_ACCESS_S3_FAILED`
        StorageAccessS3Failed => "280011",
        /// `281003 SITE_NOT_FOUND`
        SiteNotFound => "281003",
        /// `281004 SITE_STATUS_NOT_RUNNING`
        SiteStatusNotRunning => "281004",
        /// `281005 SITE_STATUS_NOT_ON`
        SiteStatusNotOn => "281005",
        /// `281006 SITE_STATUS_NOT_OFF`
        SiteStatusNotOff => "281006",
        /// `281007 SITE_MODIFY_ERROR`
        SiteModifyError => "281007",
        /// `281008 SITE_UPLOAD_CERT_FILE_ERROR`
        SiteUploadCertFileError => "281008",
        /// `281009 SITE_DOWNLOAD_TO_EXCEL_FAILED`
        SiteDownloadToExcelFailed => "281009",
        /// `2810010 SITE_LICENSE_DOWNLOAD_TO_EXCEL_FAILED` (7 digits, as published)
        SiteLicenseDownloadToExcelFailed => "2810010",
        /// `2810011 SITE_CERT_INCOMPLETE` (7 digits, as published)
        SiteCertIncomplete => "2810011",
        /// `2810012 LICENSE_DRM_INFO_NOT_FOUND` (7 digits, as published)
        LicenseDrmInfoNotFound => "2810012",
    }
);

open_enum!(
    /// An NCP API Gateway `errorCode` (`{"error":{"errorCode","message",…}}`).
    GatewayCode {
        /// `100` Bad Request (HTTP 400).
        BadRequest => "100",
        /// `200` Authentication Failed (HTTP 401): credentials, signature or timestamp.
        AuthenticationFailed => "200",
        /// `210` Permission Denied (HTTP 401).
        PermissionDenied => "210",
        /// `230` Forbidden (HTTP 403).
        Forbidden => "230",
        /// `300` Not Found (HTTP 404).
        NotFound => "300",
        /// `400` Quota Exceeded (HTTP 429).
        QuotaExceeded => "400",
    }
);

macro_rules! compare_with_text {
    ($name:ident) => {
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::from_wire(&value)
            }
        }
    };
}

compare_with_text!(ServiceCode);
compare_with_text!(GatewayCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_codes() {
        assert_eq!(ServiceCode::from_wire("281003"), ServiceCode::SiteNotFound);
        assert_eq!(ServiceCode::from_wire("299999"), "299999");
        assert!(!ServiceCode::from_wire("299999").is_known());
        assert_eq!(GatewayCode::from("210"), GatewayCode::PermissionDenied);
        assert_eq!(GatewayCode::from(String::from("200")), "200");
        assert_eq!(GatewayCode::QuotaExceeded.to_string(), "400");
    }
}
