//! KMS key references in the four forms SageMaker accepts, and approved-list matching.
//!
//! SageMaker key fields take a key ID (`1234abcd-…`), a key ARN, an alias name (`alias/Name`)
//! or an alias ARN. smguard cannot resolve an alias to a key (that needs KMS), so a key and an
//! alias match only when the approved list names the same form; the finding says so.

use std::fmt;

use crate::arn::Arn;
use crate::model::Location;

/// One KMS key reference as written in an API call or in configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KmsKeyRef {
    KeyId(String),
    KeyArn {
        partition: String,
        region: String,
        account: String,
        key_id: String,
    },
    AliasName(String),
    AliasArn {
        partition: String,
        region: String,
        account: String,
        alias: String,
    },
}

/// Why a string is not a KMS key reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a KMS key ID, key ARN, alias name or alias ARN")]
pub struct KmsKeyRefError {
    pub text: String,
}

/// A key reference borrowed from the text that names it; what the rules compare per event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyView<'a> {
    KeyId(&'a str),
    KeyArn {
        partition: &'a str,
        region: &'a str,
        account: &'a str,
        key_id: &'a str,
    },
    AliasName(&'a str),
    AliasArn {
        partition: &'a str,
        region: &'a str,
        account: &'a str,
        alias: &'a str,
    },
}

impl<'a> KeyView<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() || text.chars().any(char::is_whitespace) {
            return None;
        }
        if text.starts_with("arn:") {
            let arn = Arn::parse(text)?;
            if arn.service != "kms" || arn.region.is_empty() || arn.account.is_empty() {
                return None;
            }
            let (partition, region, account) = (arn.partition, arn.region, arn.account);
            if let Some(key_id) = arn.resource.strip_prefix("key/").filter(|k| !k.is_empty()) {
                return Some(KeyView::KeyArn {
                    partition,
                    region,
                    account,
                    key_id,
                });
            }
            if arn.resource.len() > "alias/".len() && arn.resource.starts_with("alias/") {
                return Some(KeyView::AliasArn {
                    partition,
                    region,
                    account,
                    alias: arn.resource,
                });
            }
            return None;
        }
        if text.starts_with("alias/") {
            return (text.len() > "alias/".len()).then_some(KeyView::AliasName(text));
        }
        if text.contains('/') || text.contains(':') {
            return None;
        }
        Some(KeyView::KeyId(text))
    }

    /// A bare key ID or alias name refers to the caller's account and Region: with the
    /// resource's location known, read it as the equivalent ARN so that it can be compared with
    /// ARNs on the approved list.
    fn qualified(self, location: &'a Location) -> Self {
        let (Some(partition), Some(region), Some(account)) = (
            location.partition.as_deref(),
            location.region.as_deref(),
            location.account.as_deref(),
        ) else {
            return self;
        };
        match self {
            KeyView::KeyId(key_id) => KeyView::KeyArn {
                partition,
                region,
                account,
                key_id,
            },
            KeyView::AliasName(alias) => KeyView::AliasArn {
                partition,
                region,
                account,
                alias,
            },
            KeyView::KeyArn { .. } | KeyView::AliasArn { .. } => self,
        }
    }

    fn is_aws_managed_alias(self) -> bool {
        match self {
            KeyView::AliasName(alias) | KeyView::AliasArn { alias, .. } => alias.starts_with("alias/aws/"),
            KeyView::KeyId(_) | KeyView::KeyArn { .. } => false,
        }
    }
}

impl KmsKeyRef {
    /// Parses any of the four forms. Alias names keep their `alias/` prefix.
    pub fn parse(text: &str) -> Result<Self, KmsKeyRefError> {
        let view = KeyView::parse(text).ok_or_else(|| KmsKeyRefError { text: text.to_owned() })?;
        Ok(match view {
            KeyView::KeyId(id) => KmsKeyRef::KeyId(id.to_owned()),
            KeyView::AliasName(alias) => KmsKeyRef::AliasName(alias.to_owned()),
            KeyView::KeyArn {
                partition,
                region,
                account,
                key_id,
            } => KmsKeyRef::KeyArn {
                partition: partition.to_owned(),
                region: region.to_owned(),
                account: account.to_owned(),
                key_id: key_id.to_owned(),
            },
            KeyView::AliasArn {
                partition,
                region,
                account,
                alias,
            } => KmsKeyRef::AliasArn {
                partition: partition.to_owned(),
                region: region.to_owned(),
                account: account.to_owned(),
                alias: alias.to_owned(),
            },
        })
    }

    fn view(&self) -> KeyView<'_> {
        match self {
            KmsKeyRef::KeyId(id) => KeyView::KeyId(id),
            KmsKeyRef::AliasName(alias) => KeyView::AliasName(alias),
            KmsKeyRef::KeyArn {
                partition,
                region,
                account,
                key_id,
            } => KeyView::KeyArn {
                partition,
                region,
                account,
                key_id,
            },
            KmsKeyRef::AliasArn {
                partition,
                region,
                account,
                alias,
            } => KeyView::AliasArn {
                partition,
                region,
                account,
                alias,
            },
        }
    }

    /// AWS managed keys (`alias/aws/…`) are not customer managed keys.
    pub fn is_aws_managed_alias(&self) -> bool {
        self.view().is_aws_managed_alias()
    }

    /// Whether `text` names an AWS managed key (`alias/aws/…`, as a name or an ARN).
    pub fn names_aws_managed_key(text: &str) -> bool {
        KeyView::parse(text).is_some_and(KeyView::is_aws_managed_alias)
    }

    /// Whether `self`, an entry of the approved list, approves the key `used` names, as written
    /// by a resource at `location`. `false` when `used` is not a key reference at all.
    ///
    /// ARNs match ARNs exactly (partition, Region, account and key). A bare key ID or alias name
    /// means "in the caller's own account and Region", on the list as in the resource: both are
    /// qualified with the resource's location before they are compared, so a bare entry never
    /// approves another account's key or alias (`alias/ml-platform` on the list does not approve
    /// `arn:…:999988887777:alias/ml-platform`); other accounts' keys are approved only by ARN.
    pub fn approves(&self, used: &str, location: &Location) -> bool {
        let Some(used) = KeyView::parse(used).map(|u| u.qualified(location)) else {
            return false;
        };
        let approved = self.view().qualified(location);
        match (approved, used) {
            (KeyView::KeyArn { .. }, KeyView::KeyArn { .. }) | (KeyView::AliasArn { .. }, KeyView::AliasArn { .. }) => {
                approved == used
            }
            // The resource's location is unknown, so neither side could be qualified: two bare
            // names both mean the caller's account.
            (KeyView::KeyId(approved), KeyView::KeyId(key_id)) => approved == key_id,
            (KeyView::AliasName(approved), KeyView::AliasName(alias)) => approved == alias,
            // A bare name in the resource, location unknown: compared with the entry's name.
            (KeyView::KeyArn { key_id: approved, .. }, KeyView::KeyId(key_id)) => approved == key_id,
            (KeyView::AliasArn { alias: approved, .. }, KeyView::AliasName(alias)) => approved == alias,
            // A bare entry cannot be placed in an account without the resource's location, and a
            // key never matches an alias (resolving one needs KMS).
            (KeyView::KeyId(_) | KeyView::AliasName(_), KeyView::KeyArn { .. } | KeyView::AliasArn { .. })
            | (KeyView::KeyId(_) | KeyView::KeyArn { .. }, KeyView::AliasName(_) | KeyView::AliasArn { .. })
            | (KeyView::AliasName(_) | KeyView::AliasArn { .. }, KeyView::KeyId(_) | KeyView::KeyArn { .. }) => false,
        }
    }
}

impl fmt::Display for KmsKeyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KmsKeyRef::KeyId(id) => f.write_str(id),
            KmsKeyRef::AliasName(alias) => f.write_str(alias),
            KmsKeyRef::KeyArn {
                partition,
                region,
                account,
                key_id,
            } => {
                write!(f, "arn:{partition}:kms:{region}:{account}:key/{key_id}")
            }
            KmsKeyRef::AliasArn {
                partition,
                region,
                account,
                alias,
            } => {
                write!(f, "arn:{partition}:kms:{region}:{account}:{alias}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_ID: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";

    fn gov(account: &str) -> Location {
        Location {
            partition: Some("aws-us-gov".into()),
            region: Some("us-gov-west-1".into()),
            account: Some(account.into()),
        }
    }

    fn key(text: &str) -> KmsKeyRef {
        KmsKeyRef::parse(text).unwrap()
    }

    #[test]
    fn parses_all_four_forms_and_round_trips_them() {
        for text in [
            KEY_ID,
            "mrk-1234abcd12ab34cd56ef1234567890ab",
            "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "alias/ml-platform",
            "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/ml-platform",
        ] {
            assert_eq!(key(text).to_string(), text);
        }
    }

    #[test]
    fn rejects_things_that_are_not_keys() {
        for text in [
            "",
            " ",
            "alias/",
            "arn:aws:s3:::bucket",
            "arn:aws:kms:us-east-1:111122223333:key/",
            "arn:aws:kms:us-east-1:111122223333:grant/x",
            "arn:aws:kms:::key/abc",
            "some/path",
            "two words",
            // Each condition on its own: another service, no Region, no account, an empty alias,
            // a colon in a bare ID.
            "arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:key/abc",
            "arn:aws-us-gov:kms::111122223333:key/abc",
            "arn:aws-us-gov:kms:us-gov-west-1::key/abc",
            "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/",
            "key:abc",
            "abc\tdef",
        ] {
            assert!(KmsKeyRef::parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn an_approved_arn_matches_the_same_key_in_every_form_from_its_own_account() {
        let approved = key(&format!("arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/{KEY_ID}"));
        let home = gov("111122223333");
        assert!(approved.approves(KEY_ID, &home));
        assert!(approved.approves(
            &format!("arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/{KEY_ID}"),
            &home
        ));
        // The same key ID used from another account names another key.
        assert!(!approved.approves(KEY_ID, &gov("999988887777")));
        // Same account and ID in the commercial partition is a different key.
        assert!(!approved.approves(&format!("arn:aws:kms:us-gov-west-1:111122223333:key/{KEY_ID}"), &home));
        // Unknown location: the bare ID is compared by ID.
        assert!(approved.approves(KEY_ID, &Location::default()));
        // Text that names no key is never approved.
        assert!(!approved.approves("not a key", &home));
        assert!(!approved.approves("", &home));
    }

    #[test]
    fn aliases_match_aliases_and_never_keys() {
        let approved_alias = key("alias/ml-platform");
        let home = gov("111122223333");
        assert!(approved_alias.approves("alias/ml-platform", &home));
        assert!(approved_alias.approves("arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/ml-platform", &home));
        // A bare alias name on the list is the resource's own account's alias, never another's.
        assert!(!approved_alias.approves("arn:aws-us-gov:kms:us-gov-west-1:999988887777:alias/ml-platform", &home));
        assert!(!approved_alias.approves("arn:aws-us-gov:kms:us-gov-east-1:111122223333:alias/ml-platform", &home));
        // Location unknown: a bare entry cannot approve an ARN it cannot place.
        assert!(!approved_alias.approves(
            "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/ml-platform",
            &Location::default()
        ));
        assert!(approved_alias.approves("alias/ml-platform", &Location::default()));
        assert!(!approved_alias.approves("alias/ml-platform-2", &home));
        assert!(!approved_alias.approves(KEY_ID, &home));
        let approved_alias_arn = key("arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/ml-platform");
        assert!(approved_alias_arn.approves("alias/ml-platform", &home));
        assert!(!approved_alias_arn.approves("alias/ml-platform", &gov("999988887777")));
    }

    #[test]
    fn a_bare_approved_key_id_matches_that_key_only_in_the_resources_own_account() {
        let approved = key(KEY_ID);
        // A resource's bare ID is its own account's key, as the entry's is.
        assert!(approved.approves(KEY_ID, &gov("999988887777")));
        assert!(approved.approves(
            &format!("arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/{KEY_ID}"),
            &gov("111122223333")
        ));
        // Another account's key with the same ID is approved only by ARN.
        assert!(!approved.approves(
            &format!("arn:aws-us-gov:kms:us-gov-west-1:999988887777:key/{KEY_ID}"),
            &gov("111122223333")
        ));
        assert!(!approved.approves(
            &format!("arn:aws-us-gov:kms:us-gov-east-1:111122223333:key/{KEY_ID}"),
            &Location::default()
        ));
        assert!(!approved.approves("alias/x", &Location::default()));
    }

    #[test]
    fn with_the_location_unknown_bare_names_are_compared_by_name() {
        let nowhere = Location::default();
        assert!(key(KEY_ID).approves(KEY_ID, &nowhere));
        assert!(!key(KEY_ID).approves("0000abcd-12ab-34cd-56ef-1234567890ab", &nowhere));
        let alias_arn = key("arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/ml-platform");
        assert!(alias_arn.approves("alias/ml-platform", &nowhere));
        assert!(!alias_arn.approves("alias/ml-platform-2", &nowhere));
    }

    #[test]
    fn recognises_aws_managed_aliases() {
        assert!(KmsKeyRef::names_aws_managed_key("alias/aws/sagemaker"));
        assert!(!KmsKeyRef::names_aws_managed_key("garbage text"));
        assert!(key("alias/aws/sagemaker").is_aws_managed_alias());
        assert!(key("arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/aws/s3").is_aws_managed_alias());
        assert!(!key("alias/awsome").is_aws_managed_alias());
        assert!(!key(KEY_ID).is_aws_managed_alias());
    }
}
