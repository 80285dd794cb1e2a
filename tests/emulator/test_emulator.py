"""The emulator extension on its own: lifecycles, AWS's preconditions and messages, Describe
fidelity, LookupEvents and EventBridge delivery.

    .venv/bin/python -m unittest discover -s tests/emulator -v
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
import botocore.config
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
REGION = "us-gov-west-1"
ROLE = "arn:aws-us-gov:iam::111122223333:role/service-role/ml"
server: subprocess.Popen | None = None
endpoint = ""


def start_server(parent_pid: int) -> tuple[subprocess.Popen, str]:
    port_file = Path(tempfile.mkdtemp()) / "port"
    process = subprocess.Popen(
        [sys.executable, "-m", "smguard_emulator", "--port", "0", "--port-file", str(port_file), "--parent-pid", str(parent_pid)],
        cwd=HERE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 30
    while not port_file.exists():
        if time.time() > deadline or process.poll() is not None:
            raise RuntimeError("the emulator did not start")
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port_file.read_text()}"
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/")
            return process, url
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.05)


def setUpModule() -> None:
    global server, endpoint
    server, endpoint = start_server(os.getpid())


def tearDownModule() -> None:
    if server is not None:
        server.terminate()
        server.wait(10)


class EmulatorTest(unittest.TestCase):
    """Each test works in an account of its own, as the Rust harness does."""

    def setUp(self) -> None:
        self.account = str(uuid.uuid4().int)[:12]
        self.session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)

    def client(self, service: str, session: "boto3.session.Session | None" = None):
        client = (session or self.session).client(service, endpoint_url=endpoint)
        account = self.account
        client.meta.events.register("before-send", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
        return client

    def advance(self, kind: str, name: str, status: str | None = None) -> tuple[int, dict]:
        body = {"account": self.account, "region": REGION, "kind": kind, "name": name}
        if status:
            body["status"] = status
        request = urllib.request.Request(f"{endpoint}/_smguard/lifecycle", data=json.dumps(body).encode(), method="POST")
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def assertError(self, call, code: str, message: str) -> None:
        with self.assertRaises(ClientError) as raised:
            call()
        self.assertEqual(raised.exception.response["Error"]["Code"], code)
        self.assertEqual(raised.exception.response["Error"]["Message"], message)


class NotebookLifecycleTest(EmulatorTest):
    def test_a_notebook_moves_only_when_told_and_refuses_what_aws_refuses(self) -> None:
        sm = self.client("sagemaker")
        arn = sm.create_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=ROLE)["NotebookInstanceArn"]
        self.assertEqual(arn, f"arn:aws-us-gov:sagemaker:{REGION}:{self.account}:notebook-instance/nb")
        status = lambda: sm.describe_notebook_instance(NotebookInstanceName="nb")["NotebookInstanceStatus"]
        self.assertEqual(status(), "Pending")
        self.assertEqual(status(), "Pending", "describing does not move it")
        self.assertError(
            lambda: sm.stop_notebook_instance(NotebookInstanceName="nb"),
            "ValidationException",
            f"Status (Pending) not in ([InService]). Unable to transition to (Stopping) for Notebook Instance ({arn}).",
        )
        self.assertError(
            lambda: sm.start_notebook_instance(NotebookInstanceName="nb"),
            "ValidationException",
            f"Status (Pending) not in ([Stopped, Failed]). Unable to transition to (Pending) for Notebook Instance ({arn}).",
        )
        self.assertEqual(self.advance("notebook-instance", "nb"), (200, {"status": "InService"}))
        sm.stop_notebook_instance(NotebookInstanceName="nb")
        self.assertEqual(status(), "Stopping")
        self.assertError(
            lambda: sm.stop_notebook_instance(NotebookInstanceName="nb"),
            "ValidationException",
            f"Status (Stopping) not in ([InService]). Unable to transition to (Stopping) for Notebook Instance ({arn}).",
        )
        self.assertError(
            lambda: sm.delete_notebook_instance(NotebookInstanceName="nb"),
            "ValidationException",
            f"Status (Stopping) not in ([Stopped, Failed]). Unable to transition to (Deleting) for Notebook Instance ({arn}).",
        )
        self.assertEqual(self.advance("notebook-instance", "nb"), (200, {"status": "Stopped"}))
        sm.start_notebook_instance(NotebookInstanceName="nb")
        self.assertEqual(status(), "Pending")
        self.advance("notebook-instance", "nb", "Stopped")
        sm.delete_notebook_instance(NotebookInstanceName="nb")
        self.assertError(lambda: sm.describe_notebook_instance(NotebookInstanceName="nb"), "ValidationException", "RecordNotFound")
        self.assertError(lambda: sm.stop_notebook_instance(NotebookInstanceName="nb"), "ValidationException", "RecordNotFound")

    def test_update_needs_a_stopped_notebook_and_passes_through_updating(self) -> None:
        sm = self.client("sagemaker")
        arn = sm.create_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=ROLE)["NotebookInstanceArn"]
        self.advance("notebook-instance", "nb")
        self.assertError(
            lambda: sm.update_notebook_instance(NotebookInstanceName="nb", RootAccess="Enabled"),
            "ValidationException",
            f"Status (InService) not in ([Stopped, Failed]). Unable to transition to (Updating) for Notebook Instance ({arn}).",
        )
        sm.stop_notebook_instance(NotebookInstanceName="nb")
        self.advance("notebook-instance", "nb")
        sm.update_notebook_instance(
            NotebookInstanceName="nb",
            RootAccess="Enabled",
            InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "1"},
        )
        described = sm.describe_notebook_instance(NotebookInstanceName="nb")
        self.assertEqual(described["NotebookInstanceStatus"], "Updating")
        self.assertEqual(described["RootAccess"], "Enabled")
        self.assertEqual(described["InstanceMetadataServiceConfiguration"], {"MinimumInstanceMetadataServiceVersion": "1"})
        self.assertEqual(self.advance("notebook-instance", "nb"), (200, {"status": "Stopped"}))


class JobLifecycleTest(EmulatorTest):
    def create_jobs(self) -> dict[str, tuple[str, str, callable, callable]]:
        """kind -> (name, noun, stop, describe status)"""
        sm = self.client("sagemaker")
        output = {"S3OutputPath": "s3://bucket/out"}
        sm.create_training_job(
            TrainingJobName="train", RoleArn=ROLE, OutputDataConfig=output,
            AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
            ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
            StoppingCondition={"MaxRuntimeInSeconds": 60},
        )
        sm.create_processing_job(
            ProcessingJobName="process", RoleArn=ROLE, AppSpecification={"ImageUri": "img"},
            ProcessingResources={"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 10}},
        )
        sm.create_model(ModelName="model", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
        sm.create_transform_job(
            TransformJobName="transform", ModelName="model",
            TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://bucket/in"}}},
            TransformOutput=output, TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1},
        )
        sm.create_hyper_parameter_tuning_job(
            HyperParameterTuningJobName="tune",
            HyperParameterTuningJobConfig={"Strategy": "Bayesian", "ResourceLimits": {"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 1}},
            TrainingJobDefinition={"AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"}, "RoleArn": ROLE,
                                   "OutputDataConfig": output, "StoppingCondition": {"MaxRuntimeInSeconds": 60},
                                   "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10}},
        )
        sm.create_compilation_job(
            CompilationJobName="compile", RoleArn=ROLE,
            InputConfig={"S3Uri": "s3://bucket/m.tar.gz", "Framework": "XGBOOST"},
            OutputConfig={"S3OutputLocation": "s3://bucket/c", "TargetDevice": "ml_c5"},
            StoppingCondition={"MaxRuntimeInSeconds": 60},
        )
        sm.create_auto_ml_job_v2(
            AutoMLJobName="automl", RoleArn=ROLE, OutputDataConfig=output,
            AutoMLJobInputDataConfig=[{"ChannelType": "training", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://bucket/in"}}}],
            # moto 5.2.5 refuses CreateAutoMLJobV2 without ProblemType and CompletionCriteria, which AWS treats as optional.
            AutoMLProblemTypeConfig={"TabularJobConfig": {"TargetAttributeName": "y", "ProblemType": "BinaryClassification",
                                                          "CompletionCriteria": {"MaxCandidates": 1}}},
        )
        sm.create_auto_ml_job(
            AutoMLJobName="automl-v1", RoleArn=ROLE, OutputDataConfig=output,
            InputDataConfig=[{"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://bucket/in"}}, "TargetAttributeName": "y"}],
        )
        sm.create_labeling_job(
            LabelingJobName="label", LabelAttributeName="l", RoleArn=ROLE,
            InputConfig={"DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://bucket/m"}}}, OutputConfig=output,
            HumanTaskConfig={"WorkteamArn": "arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:workteam/private-crowd/t",
                             "UiConfig": {"UiTemplateS3Uri": "s3://bucket/t"}, "PreHumanTaskLambdaArn": "arn:aws-us-gov:lambda:us-gov-west-1:1:function:f",
                             "TaskTitle": "t", "TaskDescription": "d", "NumberOfHumanWorkersPerDataObject": 1, "TaskTimeLimitInSeconds": 60,
                             "AnnotationConsolidationConfig": {"AnnotationConsolidationLambdaArn": "arn:aws-us-gov:lambda:us-gov-west-1:1:function:g"}},
        )
        return {
            "training-job": ("train", "training job", lambda: sm.stop_training_job(TrainingJobName="train"),
                             lambda: sm.describe_training_job(TrainingJobName="train")["TrainingJobStatus"]),
            "processing-job": ("process", "processing job", lambda: sm.stop_processing_job(ProcessingJobName="process"),
                               lambda: sm.describe_processing_job(ProcessingJobName="process")["ProcessingJobStatus"]),
            "transform-job": ("transform", "transform job", lambda: sm.stop_transform_job(TransformJobName="transform"),
                              lambda: sm.describe_transform_job(TransformJobName="transform")["TransformJobStatus"]),
            "hyper-parameter-tuning-job": ("tune", "hyperparameter tuning job",
                                           lambda: sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName="tune"),
                                           lambda: sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName="tune")["HyperParameterTuningJobStatus"]),
            "compilation-job": ("compile", "compilation job", lambda: sm.stop_compilation_job(CompilationJobName="compile"),
                                lambda: sm.describe_compilation_job(CompilationJobName="compile")["CompilationJobStatus"]),
            "automl-job": ("automl", "AutoML job", lambda: sm.stop_auto_ml_job(AutoMLJobName="automl"),
                           lambda: sm.describe_auto_ml_job_v2(AutoMLJobName="automl")["AutoMLJobStatus"]),
            "labeling-job": ("label", "labeling job", lambda: sm.stop_labeling_job(LabelingJobName="label"),
                             lambda: sm.describe_labeling_job(LabelingJobName="label")["LabelingJobStatus"]),
        }

    def test_every_job_kind_runs_until_stopped_and_refuses_a_second_stop(self) -> None:
        sm = self.client("sagemaker")
        for kind, (name, noun, stop, status) in self.create_jobs().items():
            with self.subTest(kind):
                upper = kind == "compilation-job"
                running = "INPROGRESS" if upper else ("Initializing" if kind == "labeling-job" else "InProgress")
                stopping, stopped = ("STOPPING", "STOPPED") if upper else ("Stopping", "Stopped")
                self.assertEqual(status(), running)
                stop()
                self.assertEqual(status(), stopping)
                self.assertError(stop, "ValidationException", f"The request was rejected because the {noun} is in status {stopping}.")
                self.assertEqual(self.advance(kind, name), (200, {"status": stopped}))
                self.assertError(stop, "ValidationException", f"The request was rejected because the {noun} is in status {stopped}.")
        self.assertEqual(sm.describe_auto_ml_job(AutoMLJobName="automl-v1")["AutoMLJobStatus"], "InProgress")
        names = {j["AutoMLJobName"] for j in sm.list_auto_ml_jobs()["AutoMLJobSummaries"]}
        self.assertEqual(names, {"automl", "automl-v1"})

    def test_a_job_completes_when_advanced(self) -> None:
        self.create_jobs()
        sm = self.client("sagemaker")
        self.assertEqual(self.advance("training-job", "train"), (200, {"status": "Completed"}))
        self.assertError(
            lambda: sm.stop_training_job(TrainingJobName="train"),
            "ValidationException",
            "The request was rejected because the training job is in status Completed.",
        )
        self.assertEqual(self.advance("training-job", "train")[0], 409, "nothing follows Completed")

    def test_stopping_a_job_that_does_not_exist_is_resource_not_found(self) -> None:
        sm = self.client("sagemaker")
        for call, noun, kind in [
            (lambda: sm.stop_training_job(TrainingJobName="gone"), "training job", "training-job"),
            (lambda: sm.stop_transform_job(TransformJobName="gone"), "transform job", "transform-job"),
            (lambda: sm.stop_compilation_job(CompilationJobName="gone"), "compilation job", "compilation-job"),
            (lambda: sm.stop_labeling_job(LabelingJobName="gone"), "labeling job", "labeling-job"),
        ]:
            arn = f"arn:aws-us-gov:sagemaker:{REGION}:{self.account}:{kind}/gone"
            self.assertError(call, "ResourceNotFound", f"Could not find {noun} '{arn}'.")

    def test_the_control_endpoint_names_what_it_cannot_do(self) -> None:
        self.assertEqual(self.advance("training-job", "absent")[0], 404)
        status, body = self.advance("no-such-kind", "x")
        self.assertEqual(status, 404)


class FidelityTest(EmulatorTest):
    def test_describe_answers_with_what_create_set_and_omits_unset_structures(self) -> None:
        sm = self.client("sagemaker")
        sm.create_processing_job(
            ProcessingJobName="p", RoleArn=ROLE, AppSpecification={"ImageUri": "img"},
            ProcessingResources={"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 10, "VolumeKmsKeyId": "alias/k"}},
        )
        described = sm.describe_processing_job(ProcessingJobName="p")
        self.assertEqual(described["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"], "alias/k")
        sm.create_model(ModelName="isolated", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"}, EnableNetworkIsolation=True)
        self.assertTrue(sm.describe_model(ModelName="isolated")["EnableNetworkIsolation"])
        sm.create_model(ModelName="plain", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
        self.assertNotIn("VpcConfig", sm.describe_model(ModelName="plain"), "AWS omits an unset VpcConfig")

    def test_an_inference_component_endpoint_config_names_no_model(self) -> None:
        sm = self.client("sagemaker")
        sm.create_endpoint_config(
            EndpointConfigName="ic", ExecutionRoleArn=ROLE,
            ProductionVariants=[{"VariantName": "AllTraffic", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}],
        )
        self.assertEqual(sm.describe_endpoint_config(EndpointConfigName="ic")["ExecutionRoleArn"], ROLE)
        with self.assertRaises(ClientError):
            sm.create_endpoint_config(
                EndpointConfigName="classic",
                ProductionVariants=[{"VariantName": "v", "ModelName": "absent", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}],
            )

    def test_kinds_of_the_table_keep_their_request_and_move_as_sagemaker_does(self) -> None:
        sm = self.client("sagemaker")
        group = {
            "InstanceGroupName": "workers", "InstanceType": "ml.p5.48xlarge", "InstanceCount": 1, "ExecutionRole": ROLE,
            "LifeCycleConfig": {"SourceS3Uri": "s3://b/lc/", "OnCreate": "on_create.sh"},
            "InstanceStorageConfigs": [{"EbsVolumeConfig": {"VolumeSizeInGB": 100, "VolumeKmsKeyId": "alias/k"}}],
        }
        arn = sm.create_cluster(ClusterName="hp", InstanceGroups=[group])["ClusterArn"]
        self.assertTrue(arn.startswith(f"arn:aws-us-gov:sagemaker:{REGION}:{self.account}:cluster/"))
        self.assertNotIn("/hp", arn, "a cluster's ARN ends in its ID")
        by_arn = sm.describe_cluster(ClusterName=arn)
        self.assertEqual(by_arn["ClusterStatus"], "Creating")
        self.assertEqual(by_arn["InstanceGroups"][0]["InstanceStorageConfigs"][0]["EbsVolumeConfig"]["VolumeKmsKeyId"], "alias/k")
        self.assertEqual(sm.describe_cluster(ClusterName="hp")["ClusterArn"], arn)
        self.assertEqual([c["ClusterName"] for c in sm.list_clusters()["ClusterSummaries"]], ["hp"])
        self.assertError(lambda: sm.create_cluster(ClusterName="hp", InstanceGroups=[group]), "ResourceInUse", "Cluster hp already exists")
        sm.delete_cluster(ClusterName=arn)
        self.assertError(lambda: sm.describe_cluster(ClusterName="hp"), "ResourceNotFound", "Cluster hp does not exist.")
        sm.create_monitoring_schedule(
            MonitoringScheduleName="drift",
            MonitoringScheduleConfig={"MonitoringJobDefinitionName": "dq", "MonitoringType": "DataQuality"},
        )
        self.assertEqual(sm.describe_monitoring_schedule(MonitoringScheduleName="drift")["MonitoringScheduleStatus"], "Scheduled")
        sm.stop_monitoring_schedule(MonitoringScheduleName="drift")
        self.assertEqual(sm.describe_monitoring_schedule(MonitoringScheduleName="drift")["MonitoringScheduleStatus"], "Stopped")
        self.assertError(lambda: sm.stop_monitoring_schedule(MonitoringScheduleName="drift"), "ValidationException", "MonitoringSchedule is in status Stopped.")
        sm.create_user_profile(DomainId="d-1", UserProfileName="alice", UserSettings={"SharingSettings": {"NotebookOutputOption": "Disabled"}})
        sm.update_user_profile(DomainId="d-1", UserProfileName="alice", UserSettings={"ExecutionRole": ROLE})
        profile = sm.describe_user_profile(DomainId="d-1", UserProfileName="alice")
        self.assertEqual(profile["UserSettings"], {"ExecutionRole": ROLE}, "an update replaces the settings it restates")
        self.assertEqual(profile["UserProfileArn"], f"arn:aws-us-gov:sagemaker:{REGION}:{self.account}:user-profile/d-1/alice")
        self.assertEqual(sm.list_user_profiles()["UserProfiles"][0]["DomainId"], "d-1")
        self.assertError(lambda: sm.describe_space(DomainId="d-1", SpaceName="none"), "ResourceNotFound", "Space d-1/none does not exist.")

    def test_a_new_endpoint_is_creating(self) -> None:
        sm = self.client("sagemaker")
        sm.create_model(ModelName="m", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
        sm.create_endpoint_config(
            EndpointConfigName="c",
            ProductionVariants=[{"VariantName": "v", "ModelName": "m", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}],
        )
        sm.create_endpoint(EndpointName="e", EndpointConfigName="c")
        self.assertEqual(sm.describe_endpoint(EndpointName="e")["EndpointStatus"], "Creating")

    def test_create_domain_answers_with_the_domain_id(self) -> None:
        sm = self.client("sagemaker")
        created = sm.create_domain(
            DomainName="studio", AuthMode="IAM", DefaultUserSettings={"ExecutionRole": ROLE},
            SubnetIds=["subnet-1"], VpcId="vpc-1", KmsKeyId="alias/k",
        )
        self.assertEqual(created["DomainId"], created["DomainArn"].rsplit("/", 1)[-1])
        described = sm.describe_domain(DomainId=created["DomainId"])
        self.assertEqual(described["KmsKeyId"], "alias/k")
        self.assertEqual(described["DomainName"], "studio")


class TrailTest(EmulatorTest):
    def test_lookup_events_returns_calls_in_cloudtrails_rendering(self) -> None:
        sm = self.client("sagemaker")
        sm.create_notebook_instance(
            NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=ROLE, DirectInternetAccess="Enabled",
            Tags=[{"Key": "Owner", "Value": "alice"}],
        )
        with self.assertRaises(ClientError):
            sm.stop_notebook_instance(NotebookInstanceName="nb")
        ct = self.client("cloudtrail")
        found = ct.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": "nb"}])["Events"]
        self.assertEqual([e["EventName"] for e in found], ["StopNotebookInstance", "CreateNotebookInstance"], "newest first")
        failed, created = (json.loads(e["CloudTrailEvent"]) for e in found)
        self.assertEqual(created["requestParameters"]["directInternetAccess"], "Enabled")
        self.assertEqual(created["requestParameters"]["tags"], [{"key": "Owner", "value": "alice"}])
        self.assertEqual(created["responseElements"]["notebookInstanceArn"], f"arn:aws-us-gov:sagemaker:{REGION}:{self.account}:notebook-instance/nb")
        self.assertEqual((created["eventSource"], created["awsRegion"], created["recipientAccountId"]), ("sagemaker.amazonaws.com", REGION, self.account))
        self.assertFalse(created["readOnly"])
        self.assertNotIn("errorCode", created)
        self.assertEqual(failed["errorCode"], "ValidationException")
        self.assertIsNone(failed["responseElements"])
        by_name = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateNotebookInstance"}], MaxResults=1)
        self.assertEqual(len(by_name["Events"]), 1)

    def test_calls_made_with_assumed_role_keys_carry_the_session_identity(self) -> None:
        sts = self.client("sts")
        credentials = sts.assume_role(RoleArn=f"arn:aws-us-gov:iam::{self.account}:role/smguard-guard", RoleSessionName="guard")["Credentials"]
        session = boto3.session.Session(
            aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"], region_name=REGION,
        )
        sm = self.client("sagemaker", session)
        sm.create_model(ModelName="m", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
        event = json.loads(self.client("cloudtrail").lookup_events(
            LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": "m"}])["Events"][0]["CloudTrailEvent"])
        identity = event["userIdentity"]
        self.assertEqual(identity["type"], "AssumedRole")
        self.assertEqual(identity["arn"], f"arn:aws-us-gov:sts::{self.account}:assumed-role/smguard-guard/guard")
        self.assertEqual(identity["sessionContext"]["sessionIssuer"]["arn"], f"arn:aws-us-gov:iam::{self.account}:role/smguard-guard")

    def test_write_calls_and_state_changes_reach_eventbridge_rules(self) -> None:
        sqs, events, sm = self.client("sqs"), self.client("events"), self.client("sagemaker")
        queue = sqs.create_queue(QueueName="q")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        pattern = {"source": ["aws.sagemaker"], "detail-type": ["AWS API Call via CloudTrail", "SageMaker Notebook Instance State Change"]}
        events.put_rule(Name="r", EventPattern=json.dumps(pattern))
        events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": queue_arn}])
        sm.create_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=ROLE)
        sm.describe_notebook_instance(NotebookInstanceName="nb")  # read-only: not delivered
        self.advance("notebook-instance", "nb")
        received = []
        for _ in range(5):
            messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
            received += [json.loads(m["Body"]) for m in messages]
            if len(received) >= 3:
                break
        kinds = [(e["detail-type"], e["detail"].get("eventName") or e["detail"].get("NotebookInstanceStatus")) for e in received]
        self.assertEqual(
            kinds,
            [
                ("AWS API Call via CloudTrail", "CreateNotebookInstance"),
                ("SageMaker Notebook Instance State Change", "Pending"),
                ("SageMaker Notebook Instance State Change", "InService"),
            ],
        )
        call = received[0]
        self.assertEqual((call["source"], call["account"], call["region"]), ("aws.sagemaker", self.account, REGION))
        self.assertRegex(call["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(
            list(call)[:9],
            ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"],
            "EventBridge's key order: detail-type before detail",
        )
        self.assertEqual(call["detail"]["requestParameters"]["notebookInstanceName"], "nb")
        change = received[2]
        self.assertEqual(change["resources"], [f"arn:aws-us-gov:sagemaker:{REGION}:{self.account}:notebook-instance/nb"])
        self.assertEqual(change["detail"]["DirectInternetAccess"], "Enabled")
        self.assertIsInstance(change["detail"]["CreationTime"], int, "epoch milliseconds, as SageMaker sends them")


    def test_test_event_pattern_judges_with_the_rules_matcher(self) -> None:
        events = self.client("events")
        event = {"source": "aws.s3", "detail-type": "AWS API Call via CloudTrail", "detail": {"requestParameters": {"bucketName": "model-out"}}}
        routed = {"source": ["aws.s3"], "detail": {"requestParameters": {"bucketName": [{"anything-but": ["model-out"]}]}}}
        self.assertFalse(events.test_event_pattern(EventPattern=json.dumps(routed), Event=json.dumps(event))["Result"])
        event["detail"]["requestParameters"]["bucketName"] = "scratch"
        self.assertTrue(events.test_event_pattern(EventPattern=json.dumps(routed), Event=json.dumps(event))["Result"])

    def test_a_disabled_rule_delivers_nothing_until_enabled_again(self) -> None:
        events, sqs, sm = self.client("events"), self.client("sqs"), self.client("sagemaker")
        queue = sqs.create_queue(QueueName="q")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        pattern = {"source": ["aws.sagemaker"], "detail-type": ["AWS API Call via CloudTrail"]}
        events.put_rule(Name="r", EventPattern=json.dumps(pattern))
        events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": queue_arn}])
        events.disable_rule(Name="r")
        sm.create_notebook_instance(NotebookInstanceName="unseen", InstanceType="ml.t3.medium", RoleArn=ROLE)
        self.assertEqual(sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []), [])
        events.enable_rule(Name="r")
        sm.create_notebook_instance(NotebookInstanceName="seen", InstanceType="ml.t3.medium", RoleArn=ROLE)
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        names = [json.loads(m["Body"])["detail"]["requestParameters"]["notebookInstanceName"] for m in messages]
        self.assertEqual(names, ["seen"])

class ManagementTrailTest(EmulatorTest):
    """Calls on CloudTrail, EventBridge, Lambda, SNS and KMS reach EventBridge as CloudTrail records."""

    def test_write_calls_of_the_five_services_reach_eventbridge_in_cloudtrails_rendering(self) -> None:
        sqs, events = self.client("sqs"), self.client("events")
        queue = sqs.create_queue(QueueName="q")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        pattern = {
            "source": ["aws.cloudtrail", "aws.events", "aws.lambda", "aws.sns", "aws.kms"],
            "detail-type": ["AWS API Call via CloudTrail"],
            "detail": {
                "eventName": ["StopLogging", "PutEventSelectors", "DisableRule", {"prefix": "PutFunctionConcurrency"}, "DeleteTopic", "DisableKey"],
                "errorCode": [{"exists": False}],
            },
        }
        events.put_rule(Name="r", EventPattern=json.dumps(pattern))
        events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": queue_arn}])
        s3, trail = self.client("s3"), self.client("cloudtrail")
        s3.create_bucket(Bucket=f"logs-{self.account}", CreateBucketConfiguration={"LocationConstraint": REGION})
        trail.create_trail(Name="org-trail", S3BucketName=f"logs-{self.account}", IsMultiRegionTrail=True)
        trail.start_logging(Name="org-trail")
        trail.stop_logging(Name="org-trail")
        trail.get_trail_status(Name="org-trail")  # read-only: not delivered
        selectors = [{"Name": "m", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]
        trail.put_event_selectors(TrailName="org-trail", AdvancedEventSelectors=selectors)
        self.assertEqual(trail.get_event_selectors(TrailName="org-trail")["AdvancedEventSelectors"], selectors)
        iam, lam = self.client("iam"), self.client("lambda")
        role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        lam.create_function(FunctionName="f", Runtime="provided.al2023", Role=role, Handler="bootstrap", Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18})
        lam.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)
        sns, kms = self.client("sns"), self.client("kms")
        topic = sns.create_topic(Name="alerts")["TopicArn"]
        sns.delete_topic(TopicArn=topic)
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.disable_key(KeyId=key)
        arn = kms.describe_key(KeyId=key)["KeyMetadata"]["Arn"]
        kms.schedule_key_deletion(KeyId=arn, PendingWindowInDays=7)  # by ARN, as the API allows
        kms.cancel_key_deletion(KeyId=arn)
        kms.enable_key(KeyId=arn)
        self.assertEqual(kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"], "Enabled")
        with self.assertRaises(ClientError) as unknown:
            kms.schedule_key_deletion(KeyId=arn.rsplit("/", 1)[0] + "/1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d", PendingWindowInDays=7)
        self.assertEqual(unknown.exception.response["Error"]["Code"], "NotFoundException")
        with self.assertRaises(ClientError):
            trail.stop_logging(Name="no-such-trail")  # failed: carries errorCode, not routed
        received = []
        for _ in range(5):
            messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
            received += [json.loads(m["Body"]) for m in messages]
            if len(received) >= 5:
                break
        names = [(e["source"], e["detail"]["eventName"]) for e in received]
        self.assertEqual(
            names,
            [
                ("aws.cloudtrail", "StopLogging"),
                ("aws.cloudtrail", "PutEventSelectors"),
                ("aws.lambda", "PutFunctionConcurrency20171031"),
                ("aws.sns", "DeleteTopic"),
                ("aws.kms", "DisableKey"),
            ],
        )
        by_name = {e["detail"]["eventName"]: e["detail"] for e in received}
        self.assertEqual(by_name["StopLogging"]["requestParameters"], {"name": "org-trail"})
        self.assertEqual(by_name["PutEventSelectors"]["requestParameters"]["advancedEventSelectors"][0]["fieldSelectors"][0]["field"], "eventCategory")
        self.assertEqual(by_name["PutFunctionConcurrency20171031"]["requestParameters"], {"reservedConcurrentExecutions": 0, "functionName": "f"})
        self.assertEqual(by_name["DeleteTopic"]["requestParameters"], {"topicArn": topic})
        self.assertEqual(by_name["DisableKey"]["requestParameters"], {"keyId": key})
        self.assertEqual(by_name["StopLogging"]["eventSource"], "cloudtrail.amazonaws.com")
        self.assertEqual(by_name["StopLogging"]["recipientAccountId"], self.account)


class S3DataEventTest(EmulatorTest):
    def role_session(self, account: str) -> "boto3.session.Session":
        sts = self.session.client("sts", endpoint_url=endpoint)
        role = f"arn:aws-us-gov:iam::{account}:role/service-role/AmazonSageMaker-ExecutionRole-1"
        credentials = sts.assume_role(RoleArn=role, RoleSessionName="SageMaker")["Credentials"]
        return boto3.session.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=REGION,
        )

    def test_object_writes_reach_the_requesters_and_the_owners_bus_as_data_events(self) -> None:
        owner = str(uuid.uuid4().int)[:12]
        events, sqs = self.client("events"), self.client("sqs")
        queue = sqs.create_queue(QueueName="q")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="r", EventPattern=json.dumps({"source": ["aws.s3"]}))
        events.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": queue_arn}])
        s3 = self.client("s3")
        s3.create_bucket(Bucket=f"own-{self.account}", CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_versioning(Bucket=f"own-{self.account}", VersioningConfiguration={"Status": "Enabled"})
        foreign = self.client("s3")
        foreign.meta.events.register("before-send", lambda request, **_: request.headers.__setitem__("x-moto-account-id", owner))
        foreign.create_bucket(Bucket=f"foreign-{owner}", CreateBucketConfiguration={"LocationConstraint": REGION})
        session = self.role_session(self.account)
        workload = session.client("s3", endpoint_url=endpoint)
        access_key = session.get_credentials().access_key
        request = urllib.request.Request(
            f"{endpoint}/_smguard/endpoints",
            data=json.dumps({"access_key": access_key, "vpc_endpoint_id": "vpce-0a1b2c3d4e5f60718"}).encode(),
            method="POST",
        )
        urllib.request.urlopen(request)
        put = workload.put_object(Bucket=f"own-{self.account}", Key="exports/x.parquet", Body=b"12345")
        workload.copy_object(Bucket=f"own-{self.account}", Key="exports/y", CopySource={"Bucket": f"own-{self.account}", "Key": "exports/x.parquet"})
        upload = workload.create_multipart_upload(Bucket=f"own-{self.account}", Key="big")["UploadId"]
        workload.upload_part(Bucket=f"own-{self.account}", Key="big", UploadId=upload, PartNumber=1, Body=b"abc")
        workload.put_object(Bucket=f"foreign-{owner}", Key="out.csv", Body=b"rows")
        received = []
        for _ in range(5):
            messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
            received += [json.loads(m["Body"]) for m in messages]
            if len(received) >= 5:
                break
        details = {(e["detail"]["eventName"], e["detail"]["requestParameters"]["key"]): e["detail"] for e in received}
        self.assertEqual(
            sorted(details),
            [("CopyObject", "exports/y"), ("CreateMultipartUpload", "big"), ("PutObject", "exports/x.parquet"), ("PutObject", "out.csv"), ("UploadPart", "big")],
        )
        first = details[("PutObject", "exports/x.parquet")]
        self.assertEqual(first["eventCategory"], "Data")
        self.assertEqual(first["responseElements"]["x-amz-version-id"], put["VersionId"])
        self.assertEqual(first["additionalEventData"]["bytesTransferredIn"], 5)
        self.assertEqual(first["vpcEndpointId"], "vpce-0a1b2c3d4e5f60718")
        self.assertEqual(first["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"], f"arn:aws-us-gov:iam::{self.account}:role/service-role/AmazonSageMaker-ExecutionRole-1")
        self.assertEqual(first["resources"][1], {"accountId": self.account, "type": "AWS::S3::Bucket", "ARN": f"arn:aws-us-gov:s3:::own-{self.account}"})
        self.assertEqual(details[("CopyObject", "exports/y")]["requestParameters"]["x-amz-copy-source"], f"own-{self.account}/exports/x.parquet")
        self.assertNotIn("uploadId", details[("CreateMultipartUpload", "big")]["requestParameters"], "the record logs headers, not the body")
        self.assertEqual(details[("UploadPart", "big")]["requestParameters"]["uploadId"], upload)
        uploads = workload.list_multipart_uploads(Bucket=f"own-{self.account}")["Uploads"]
        self.assertEqual(
            [u["Initiator"]["ID"] for u in uploads],
            [f"arn:aws-us-gov:sts::{self.account}:assumed-role/AmazonSageMaker-ExecutionRole-1/SageMaker"],
            "the session that created the upload",
        )
        outside = details[("PutObject", "out.csv")]
        self.assertEqual(outside["resources"][1]["accountId"], owner)
        self.assertEqual(outside["recipientAccountId"], self.account)


class RequestLogTest(EmulatorTest):
    def test_each_callers_calls_are_logged_by_service_and_operation(self) -> None:
        caller = f"AKIA{uuid.uuid4().hex[:16].upper()}"
        session = boto3.session.Session(aws_access_key_id=caller, aws_secret_access_key="x", region_name=REGION)
        sm, sns, s3 = (self.client(service, session) for service in ("sagemaker", "sns", "s3"))
        sm.create_model(ModelName="m", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"})
        topic = sns.create_topic(Name="t")["TopicArn"]
        sns.publish(TopicArn=topic, Message="hello")
        s3.create_bucket(Bucket=f"b-{self.account}", CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_object(Bucket=f"b-{self.account}", Key="k/1.json", Body=b"{}", IfNoneMatch="*")
        self.client("sagemaker").list_models()  # another caller: not in this one's log
        with urllib.request.urlopen(f"{endpoint}/_smguard/requests?access_key={caller}") as response:
            logged = json.loads(response.read())["requests"]
        self.assertEqual(
            [(r["service"], r["operation"], r["conditions"]) for r in logged],
            [
                ("sagemaker", "CreateModel", []),
                ("sns", "CreateTopic", []),
                ("sns", "Publish", []),
                ("s3", "PUT bucket", []),
                ("s3", "PutObject", ["If-None-Match"]),
            ],
        )
        self.assertEqual(self.client("sns", session).list_topics()["Topics"], [{"TopicArn": topic}], "the body still reached moto")

    def test_the_log_needs_a_caller(self) -> None:
        with self.assertRaises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(f"{endpoint}/_smguard/requests")
        self.assertEqual(raised.exception.code, 400)


class FaultTest(EmulatorTest):
    def faults(self, method: str, body: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{endpoint}/_smguard/faults", data=data, method=method)
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def test_a_callers_requests_fail_as_told_and_no_one_elses(self) -> None:
        caller = f"AKIA{uuid.uuid4().hex[:16].upper()}"
        session = boto3.session.Session(aws_access_key_id=caller, aws_secret_access_key="x", region_name=REGION)
        sm = session.client("sagemaker", endpoint_url=endpoint, config=botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"}))
        account = self.account
        sm.meta.events.register("before-send", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
        fault = {"access_key": caller, "service": "sagemaker", "operation": "ListModels", "error": "ThrottlingException", "times": 2}
        self.assertEqual(self.faults("POST", fault)[0], 200)
        self.client("sagemaker").list_models()  # the set-up caller: untouched
        for _ in range(2):
            with self.assertRaises(ClientError) as raised:
                sm.list_models()
            self.assertEqual(raised.exception.response["Error"]["Code"], "ThrottlingException")
        self.assertEqual(sm.list_models()["Models"], [], "counted down")
        self.assertEqual(self.faults("POST", {**fault, "error": "ServiceUnavailable", "times": 5})[0], 200)
        self.assertEqual(self.faults("DELETE")[0], 200)
        self.assertEqual(sm.list_models()["Models"], [], "cleared")

    def caller_client(self, service: str, **config):
        caller = f"AKIA{uuid.uuid4().hex[:16].upper()}"
        session = boto3.session.Session(aws_access_key_id=caller, aws_secret_access_key="x", region_name=REGION)
        retries = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"}, **config)
        client = session.client(service, endpoint_url=endpoint, config=retries)
        account = self.account
        client.meta.events.register("before-send", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
        return caller, client

    def test_a_dropped_connection_and_a_slow_answer_reach_the_caller_as_transport_failures(self) -> None:
        caller, sm = self.caller_client("sagemaker", read_timeout=1, connect_timeout=1)
        self.assertEqual(self.faults("POST", {"access_key": caller, "service": "sagemaker", "operation": "ListModels", "error": "DroppedConnection"})[0], 200)
        with self.assertRaises(Exception) as dropped:
            sm.list_models()
        self.assertNotIsInstance(dropped.exception, ClientError, "no answer at all, not an error answer")
        self.assertEqual(sm.list_models()["Models"], [], "once")
        self.assertEqual(self.faults("POST", {"access_key": caller, "service": "sagemaker", "operation": "ListModels", "error": "Slow", "seconds": 3})[0], 200)
        started = time.time()
        with self.assertRaises(botocore.exceptions.ReadTimeoutError):
            sm.list_models()
        self.assertLess(time.time() - started, 2.5, "the client gave up at its timeout")
        self.faults("DELETE")

    def test_a_fault_with_a_probability_fails_about_that_share_repeatably(self) -> None:
        caller, sm = self.caller_client("sagemaker")
        fault = {"access_key": caller, "service": "sagemaker", "operation": "ListModels", "error": "ThrottlingException", "probability": 0.25, "seed": 7}
        outcomes = []
        for _ in range(2):
            self.assertEqual(self.faults("POST", fault)[0], 200)
            failed = 0
            for _ in range(200):
                try:
                    sm.list_models()
                except ClientError:
                    failed += 1
            outcomes.append(failed)
            self.faults("DELETE")
        self.assertEqual(outcomes[0], outcomes[1], "the same seed draws the same faults")
        self.assertTrue(30 <= outcomes[0] <= 70, outcomes)
        self.assertIn("probability", self.faults("POST", {**fault, "probability": 2})[1]["error"])

    def test_a_wildcard_fault_matches_every_operation_and_its_answers_are_counted(self) -> None:
        caller, sm = self.caller_client("sagemaker")
        fault = {"access_key": caller, "service": "*", "operation": "*", "error": "ServiceUnavailable", "times": 2}
        self.assertEqual(self.faults("POST", fault)[0], 200)
        for call in (sm.list_models, sm.list_training_jobs):
            with self.assertRaises(ClientError) as raised:
                call()
            self.assertEqual(raised.exception.response["ResponseMetadata"]["HTTPStatusCode"], 503)
        self.assertEqual(sm.list_models()["Models"], [], "both used up")
        status, answer = self.faults_of(caller)
        self.assertEqual((status, answer), (200, {"fired": 2}))
        self.assertEqual(self.faults_of("AKIDNOONE")[1], {"fired": 0})
        other, other_sm = self.caller_client("sagemaker")
        self.assertEqual(self.faults("POST", {**fault, "access_key": other, "times": 1})[0], 200)
        with urllib.request.urlopen(urllib.request.Request(f"{endpoint}/_smguard/faults?access_key={caller}", method="DELETE")):
            pass
        self.assertEqual(self.faults_of(caller)[1], {"fired": 0}, "cleared with the faults")
        with self.assertRaises(ClientError):
            other_sm.list_models()  # another caller's fault is still there
        self.faults("DELETE")

    def faults_of(self, caller: str) -> tuple[int, dict]:
        with urllib.request.urlopen(f"{endpoint}/_smguard/faults?access_key={caller}") as response:
            return response.status, json.loads(response.read())

    def test_a_bad_fault_is_refused_saying_why(self) -> None:
        status, answer = self.faults("POST", {"access_key": "A", "service": "s3", "operation": "PutObject", "error": "Boom"})
        self.assertEqual(status, 400)
        self.assertIn("unknown error 'Boom'", answer["error"])
        self.assertEqual(self.faults("POST", {"service": "s3"})[1]["error"], "a fault needs access_key, operation, error")


class WatchdogTest(unittest.TestCase):
    def test_the_server_exits_when_its_parent_does(self) -> None:
        parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        process, _ = start_server(parent.pid)
        parent.kill()
        parent.wait()
        self.assertEqual(process.wait(15), 0)


if __name__ == "__main__":
    unittest.main()
