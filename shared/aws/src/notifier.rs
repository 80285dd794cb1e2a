//! [`Notifier`] over SNS.

use async_trait::async_trait;
use aws_sdk_sns::Client;
use aws_sdk_sns::types::MessageAttributeValue;
use smguard_engine::{Message, Notifier, PortError};

use crate::error::classify;

/// SNS caps a message at 256 KiB; findings are dropped from the text form beyond this.
const MAX_MESSAGE_BYTES: usize = 250 * 1024;

/// Publishes one SNS message per alert to a topic.
#[derive(Debug, Clone)]
pub struct SnsNotifier {
    client: Client,
    topic_arn: String,
}

impl SnsNotifier {
    pub fn new(client: Client, topic_arn: impl Into<String>) -> Self {
        SnsNotifier {
            client,
            topic_arn: topic_arn.into(),
        }
    }

    pub const PERMISSIONS: &'static [&'static str] = &["sns:Publish"];
}

/// The `MessageStructure=json` document: plain text for people (e-mail, SMS, and any protocol
/// SNS adds later), JSON for machines.
pub fn message_structure(message: &Message) -> String {
    let json = &message.json;
    let document = |text: &str| {
        serde_json::json!({
            "default": text,
            "email": text,
            "sms": message.subject,
            "email-json": json,
            "sqs": json,
            "lambda": json,
            "http": json,
            "https": json,
            "firehose": json,
            "application": json,
        })
        .to_string()
    };
    let full = document(&message.text);
    if full.len() <= MAX_MESSAGE_BYTES {
        return full;
    }
    // The machine form is kept whole; the people's form is cut to the subject.
    document(&format!(
        "{}\n(too many findings for one message: see the JSON form)",
        message.subject
    ))
}

#[async_trait]
impl Notifier for SnsNotifier {
    async fn publish(&self, message: &Message) -> Result<(), PortError> {
        let mut publish = self
            .client
            .publish()
            .topic_arn(&self.topic_arn)
            .subject(&message.subject)
            .message_structure("json")
            .message(message_structure(message));
        for attribute in &message.attributes {
            let value = MessageAttributeValue::builder()
                .data_type(attribute.data_type)
                .string_value(&attribute.value)
                .build()
                .map_err(|e| PortError::Rejected {
                    operation: "Publish".to_owned(),
                    code: "InvalidAttribute".to_owned(),
                    message: e.to_string(),
                })?;
            publish = publish.message_attributes(attribute.name, value);
        }
        let output = publish.send().await.map_err(|error| classify("Publish", &error))?;
        tracing::info!(message_id = ?output.message_id, about = ?message.about, "alert published");
        Ok(())
    }
}
