//! [`TrailReader`] over CloudTrail.

use async_trait::async_trait;
use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use smguard_engine::PortError;
use smguard_engine::ports::{
    AdvancedSelector, BasicSelector, FieldSelector, RecordedEvent, TrailReader, TrailSelectors, TrailStatus,
};

use crate::error::classify;

/// `LookupEvents` answers at most 50 events a page.
const LOOKUP_PAGE: usize = 50;

/// Reads trail status, event selectors and recorded events.
#[derive(Debug, Clone)]
pub struct CloudTrailReader {
    client: Client,
}

impl CloudTrailReader {
    pub fn new(client: Client) -> Self {
        CloudTrailReader { client }
    }

    pub const PERMISSIONS: &'static [&'static str] = &[
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:LookupEvents",
    ];
}

#[async_trait]
impl TrailReader for CloudTrailReader {
    async fn trails(&self) -> Result<Vec<TrailStatus>, PortError> {
        let described = self
            .client
            .describe_trails()
            .include_shadow_trails(true)
            .send()
            .await
            .map_err(|e| classify("DescribeTrails", &e))?;
        let mut trails = Vec::new();
        for trail in described.trail_list.unwrap_or_default() {
            let Some(name) = trail.name.clone() else { continue };
            // Status and selectors are asked of the trail's ARN: a shadow trail lives elsewhere.
            let id = trail.trail_arn.clone().unwrap_or_else(|| name.clone());
            let status = self
                .client
                .get_trail_status()
                .name(&id)
                .send()
                .await
                .map_err(|e| classify("GetTrailStatus", &e))?;
            let selectors = self
                .client
                .get_event_selectors()
                .trail_name(&id)
                .send()
                .await
                .map_err(|e| classify("GetEventSelectors", &e))?;
            let selectors = selectors_of(selectors);
            trails.push(TrailStatus {
                name,
                arn: trail.trail_arn,
                home_region: trail.home_region,
                is_logging: status.is_logging.unwrap_or(false),
                is_multi_region: trail.is_multi_region_trail.unwrap_or(false),
                selectors,
            });
        }
        Ok(trails)
    }

    async fn events_for(&self, resource_name: &str, limit: usize) -> Result<Vec<RecordedEvent>, PortError> {
        let attribute = LookupAttribute::builder()
            .attribute_key(LookupAttributeKey::ResourceName)
            .attribute_value(resource_name)
            .build()
            .map_err(|e| PortError::Rejected {
                operation: "LookupEvents".to_owned(),
                code: "InvalidAttribute".to_owned(),
                message: e.to_string(),
            })?;
        let mut found = Vec::new();
        let mut token: Option<String> = None;
        while found.len() < limit {
            let page_size = i32::try_from((limit - found.len()).min(LOOKUP_PAGE)).unwrap_or(50);
            let page = self
                .client
                .lookup_events()
                .lookup_attributes(attribute.clone())
                .max_results(page_size)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify("LookupEvents", &e))?;
            for event in page.events.unwrap_or_default() {
                if found.len() == limit {
                    break;
                }
                if let (Some(event_id), Some(record)) = (event.event_id, event.cloud_trail_event) {
                    found.push(RecordedEvent {
                        event_id,
                        event_name: event.event_name,
                        cloudtrail_event: record,
                    });
                }
            }
            match page.next_token {
                Some(next) if !next.is_empty() => token = Some(next),
                _ => break,
            }
        }
        Ok(found)
    }
}

/// What `GetEventSelectors` answered, in the policy's terms.
pub(crate) fn selectors_of(selectors: GetEventSelectorsOutput) -> TrailSelectors {
    match selectors.advanced_event_selectors {
        Some(advanced) if !advanced.is_empty() => TrailSelectors::Advanced(
            advanced
                .into_iter()
                .map(|s| AdvancedSelector {
                    name: s.name,
                    field_selectors: s
                        .field_selectors
                        .into_iter()
                        .map(|f| FieldSelector {
                            field: f.field,
                            equals: f.equals.unwrap_or_default(),
                            not_equals: f.not_equals.unwrap_or_default(),
                            starts_with: f.starts_with.unwrap_or_default(),
                            not_starts_with: f.not_starts_with.unwrap_or_default(),
                            ends_with: f.ends_with.unwrap_or_default(),
                            not_ends_with: f.not_ends_with.unwrap_or_default(),
                        })
                        .collect(),
                })
                .collect(),
        ),
        _ => TrailSelectors::Basic(
            selectors
                .event_selectors
                .unwrap_or_default()
                .into_iter()
                .map(|s| BasicSelector {
                    read_write_type: s.read_write_type.map(|t| t.as_str().to_owned()),
                    include_management_events: s.include_management_events,
                    data_resources: s
                        .data_resources
                        .unwrap_or_default()
                        .into_iter()
                        .map(|d| (d.r#type.unwrap_or_default(), d.values.unwrap_or_default()))
                        .collect(),
                    exclude_management_event_sources: s.exclude_management_event_sources.unwrap_or_default(),
                })
                .collect(),
        ),
    }
}
