//! SDK errors as [`PortError`]s, and the service errors that are outcomes rather than failures.

use aws_sdk_sagemaker::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use smguard_engine::PortError;

const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "AuthorizationError",
    "AuthorizationErrorException",
    "UnauthorizedOperation",
    "NotAuthorized",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "ExpiredToken",
    "ExpiredTokenException",
    "SignatureDoesNotMatch",
];
const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "ProvisionedThroughputExceededException",
];
const TRANSIENT: &[&str] = &[
    "InternalFailure",
    "InternalServerError",
    "ServiceUnavailable",
    "InternalError",
];

/// Classifies an SDK error. AWS's error code decides when there is one; otherwise the HTTP status
/// (moto's IAM enforcement answers 403 with a body the SDK cannot read as an AWS error).
pub fn classify<E>(operation: &str, error: &SdkError<E, HttpResponse>) -> PortError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let operation = operation.to_owned();
    let status = error.raw_response().map(|r| r.status().as_u16());
    let code = error.code().map(str::to_owned);
    let message = error
        .message()
        .map(str::to_owned)
        .or_else(|| status.map(|s| format!("HTTP {s}")))
        .unwrap_or_else(|| DisplayErrorContext(error).to_string());
    match error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => {
            return PortError::Unavailable {
                operation,
                message: DisplayErrorContext(error).to_string(),
            };
        }
        SdkError::ConstructionFailure(_) => {
            return PortError::Rejected {
                operation,
                code: "ConstructionFailure".to_owned(),
                message: DisplayErrorContext(error).to_string(),
            };
        }
        _ => {}
    }
    let code_is = |list: &[&str]| code.as_deref().is_some_and(|c| list.contains(&c));
    if code_is(ACCESS_DENIED) || matches!(status, Some(401 | 403)) {
        PortError::AccessDenied { operation, message }
    } else if code_is(THROTTLED) || status == Some(429) {
        PortError::Throttled { operation, message }
    } else if code_is(TRANSIENT) || status.is_some_and(|s| s >= 500) {
        PortError::Unavailable { operation, message }
    } else {
        PortError::Rejected {
            operation,
            code: code.unwrap_or_else(|| "Unknown".to_owned()),
            message,
        }
    }
}

/// Whether SageMaker says the resource does not exist. Notebooks answer `ValidationException`
/// `RecordNotFound`, jobs `ValidationException` "Could not find …" or `ResourceNotFound`.
pub(crate) fn is_not_found<E: ProvideErrorMetadata>(error: &SdkError<E, HttpResponse>) -> bool {
    match error.code() {
        Some("ResourceNotFound" | "ResourceNotFoundException" | "NotFoundException") => true,
        Some("ValidationException") => error.message().is_some_and(|m| {
            m.contains("RecordNotFound")
                || m.contains("Could not find")
                || m.contains("does not exist")
                || m.contains("not found")
        }),
        _ => false,
    }
}

/// The status SageMaker names when it refuses a transition: `Status (Pending) not in ([InService])…`
/// for notebooks, `… is in status Completed.` for jobs. Matched on code plus pattern, never on the
/// whole message (its wording varies).
pub(crate) fn refused_in_status<E: ProvideErrorMetadata>(error: &SdkError<E, HttpResponse>) -> Option<String> {
    if error.code() != Some("ValidationException") {
        return None;
    }
    let message = error.message()?;
    let status = if let Some(rest) = message.strip_prefix("Status (") {
        rest.split_once(") not in (").map(|(status, _)| status)?
    } else {
        let (_, rest) = message.split_once("is in status ")?;
        rest.trim_end_matches('.').split_whitespace().next()?
    };
    let status = status.trim();
    (!status.is_empty()).then(|| status.to_owned())
}
