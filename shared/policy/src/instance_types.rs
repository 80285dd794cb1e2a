//! Every SageMaker ML instance family, classified by whether its instances have local NVMe
//! instance storage.
//!
//! Why it matters: the API text of `ResourceConfig.VolumeKmsKeyId` (training), the processing
//! cluster's and transform resources' `VolumeKmsKeyId`, the tuning resource configuration and
//! `CreateEndpointConfig`'s `KmsKeyId` says "Certain Nitro-based instances include local storage
//! … Local storage volumes are encrypted using a hardware module on the instance. You can't
//! request a VolumeKmsKeyId when using an instance type with local storage" (for endpoint
//! configurations "the call to CreateEndpointConfig fails"). So on those fields a missing key is
//! not a finding on such an instance. The notebook's `KmsKeyId` has no such exception: its ML
//! storage volume is always attached.
//!
//! The table is checked against the SDK: `shared/aws/tests/instance_types.rs` fails when
//! `aws-sdk-sagemaker`'s instance-type enums know a family this table does not classify.
//! Classification follows the EC2 instance-type documentation ("Instance store volumes"): the
//! `d` suffix families (`c5d`, `m6gd`, `r7gd`, …), the GPU and accelerator families that ship
//! NVMe instance store (`g4dn`, `g5`, `g6`, `p4d`, `p5`, `trn1`, …) and the storage-optimized
//! `i3en`.

/// Whether an instance family has local NVMe instance storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// NVMe instance store, encrypted by the instance's hardware: AWS rejects a volume key.
    LocalNvme,
    /// EBS volumes only: a volume key can and must be requested.
    EbsOnly,
}

/// `ml.<family>` → storage, for every family in the SDK's instance-type enums.
pub const INSTANCE_FAMILIES: &[(&str, Storage)] = &[
    ("ml.c4", Storage::EbsOnly),
    ("ml.c5", Storage::EbsOnly),
    ("ml.c5d", Storage::LocalNvme),
    ("ml.c5n", Storage::EbsOnly),
    ("ml.c6a", Storage::EbsOnly),
    ("ml.c6g", Storage::EbsOnly),
    ("ml.c6gd", Storage::LocalNvme),
    ("ml.c6gn", Storage::EbsOnly),
    ("ml.c6i", Storage::EbsOnly),
    ("ml.c6id", Storage::LocalNvme),
    ("ml.c6in", Storage::EbsOnly),
    ("ml.c7g", Storage::EbsOnly),
    ("ml.c7i", Storage::EbsOnly),
    ("ml.c7i-flex", Storage::EbsOnly),
    ("ml.c8a", Storage::EbsOnly),
    ("ml.c8g", Storage::EbsOnly),
    ("ml.c8i", Storage::EbsOnly),
    ("ml.c8i-flex", Storage::EbsOnly),
    ("ml.dl1", Storage::LocalNvme),
    ("ml.g4ad", Storage::LocalNvme),
    ("ml.g4dn", Storage::LocalNvme),
    ("ml.g5", Storage::LocalNvme),
    ("ml.g6", Storage::LocalNvme),
    ("ml.g6e", Storage::LocalNvme),
    ("ml.g7", Storage::LocalNvme),
    ("ml.g7e", Storage::LocalNvme),
    // Studio geospatial apps only: no job or endpoint runs on it, no volume key field serves it.
    ("ml.geospatial", Storage::EbsOnly),
    ("ml.gr6", Storage::LocalNvme),
    ("ml.i3en", Storage::LocalNvme),
    ("ml.inf1", Storage::EbsOnly),
    ("ml.inf2", Storage::EbsOnly),
    ("ml.m4", Storage::EbsOnly),
    ("ml.m5", Storage::EbsOnly),
    ("ml.m5d", Storage::LocalNvme),
    ("ml.m6a", Storage::EbsOnly),
    ("ml.m6g", Storage::EbsOnly),
    ("ml.m6gd", Storage::LocalNvme),
    ("ml.m6i", Storage::EbsOnly),
    ("ml.m6id", Storage::LocalNvme),
    ("ml.m7g", Storage::EbsOnly),
    ("ml.m7i", Storage::EbsOnly),
    ("ml.m7i-flex", Storage::EbsOnly),
    ("ml.m8a", Storage::EbsOnly),
    ("ml.m8g", Storage::EbsOnly),
    ("ml.m8i", Storage::EbsOnly),
    ("ml.m8i-flex", Storage::EbsOnly),
    ("ml.p2", Storage::EbsOnly),
    ("ml.p3", Storage::EbsOnly),
    ("ml.p3dn", Storage::LocalNvme),
    ("ml.p4d", Storage::LocalNvme),
    ("ml.p4de", Storage::LocalNvme),
    ("ml.p5", Storage::LocalNvme),
    ("ml.p5e", Storage::LocalNvme),
    ("ml.p5en", Storage::LocalNvme),
    ("ml.p6-b200", Storage::LocalNvme),
    ("ml.p6-b300", Storage::LocalNvme),
    ("ml.p6e-gb200", Storage::LocalNvme),
    ("ml.r5", Storage::EbsOnly),
    ("ml.r5d", Storage::LocalNvme),
    ("ml.r6g", Storage::EbsOnly),
    ("ml.r6gd", Storage::LocalNvme),
    ("ml.r6i", Storage::EbsOnly),
    ("ml.r6id", Storage::LocalNvme),
    ("ml.r7gd", Storage::LocalNvme),
    ("ml.r7i", Storage::EbsOnly),
    ("ml.r8g", Storage::EbsOnly),
    ("ml.r8i", Storage::EbsOnly),
    ("ml.r8i-flex", Storage::EbsOnly),
    ("ml.t2", Storage::EbsOnly),
    ("ml.t3", Storage::EbsOnly),
    ("ml.trn1", Storage::LocalNvme),
    ("ml.trn1n", Storage::LocalNvme),
    ("ml.trn2", Storage::LocalNvme),
];

/// `ml.g5.2xlarge` → `ml.g5`; `None` when the text is not `ml.<family>.<size>`.
pub fn family(instance_type: &str) -> Option<&str> {
    let (family, size) = instance_type.rsplit_once('.')?;
    (family.starts_with("ml.") && family.len() > "ml.".len() && !size.is_empty()).then_some(family)
}

/// The storage of an instance type's family, when the table knows it.
pub fn storage(instance_type: &str) -> Option<Storage> {
    let family = family(instance_type)?;
    INSTANCE_FAMILIES
        .iter()
        .find(|(known, _)| *known == family)
        .map(|(_, storage)| *storage)
}

/// The built-in `SMGUARD_LOCAL_STORAGE_INSTANCE_TYPES`: `family.*` for every local-NVMe family.
pub fn local_nvme_patterns() -> impl Iterator<Item = String> {
    INSTANCE_FAMILIES
        .iter()
        .filter(|(_, storage)| *storage == Storage::LocalNvme)
        .map(|(family, _)| format!("{family}.*"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_unique_and_sorted() {
        let names: Vec<&str> = INSTANCE_FAMILIES.iter().map(|(f, _)| *f).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
    }

    #[test]
    fn the_graviton_local_nvme_families_are_local() {
        for instance_type in ["ml.c6gd.xlarge", "ml.m6gd.large", "ml.r6gd.2xlarge", "ml.r7gd.4xlarge"] {
            assert_eq!(storage(instance_type), Some(Storage::LocalNvme), "{instance_type}");
        }
        assert_eq!(storage("ml.c6g.xlarge"), Some(Storage::EbsOnly));
        assert_eq!(storage("ml.p6-b200.48xlarge"), Some(Storage::LocalNvme));
        assert_eq!(storage("ml.unknown.xlarge"), None);
        assert_eq!(storage("g5.xlarge"), None);
    }
}
