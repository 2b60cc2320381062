/**
 * Optional AWS Chatbot channel configurations subscribed to the alerts topic: Slack or
 * Microsoft Teams without a relay function, rendering the evaluator's custom
 * notifications and the watchdog's alarms. Notifications only: the channel role has no
 * permissions and the guardrail allows nothing beyond describing the watchdog's alarms.
 */
import { CfnMicrosoftTeamsChannelConfiguration, SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/deployment-config.ts';

export interface ChatbotChannelsProps {
  readonly stage: string;
  readonly topic: ITopic;
  readonly chatbot: NonNullable<DeploymentConfig['chatbot']>;
  /** The watchdog's alarms, which channel members may describe. */
  readonly alarmArns: readonly string[];
}

export class ChatbotChannels extends Construct {
  constructor(scope: Construct, id: string, props: ChatbotChannelsProps) {
    super(scope, id);
    const name = `zk-lookout-${props.stage}`;
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('chatbot.amazonaws.com'),
      description: `${name} AWS Chatbot channels: notifications only`,
    });
    const guardrail = new ManagedPolicy(this, 'Guardrail', {
      description: `${name} AWS Chatbot guardrail: describe the watchdog's alarms`,
      statements: [new PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [...props.alarmArns] })],
    });
    const { slack, teams } = props.chatbot;
    if (slack) {
      new SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: name,
        slackWorkspaceId: slack.workspaceId,
        slackChannelId: slack.channelId,
        notificationTopics: [props.topic],
        role,
        guardrailPolicies: [guardrail],
      });
    }
    if (teams) {
      new CfnMicrosoftTeamsChannelConfiguration(this, 'Teams', {
        configurationName: name,
        teamId: teams.teamId,
        teamsChannelId: teams.channelId,
        teamsTenantId: teams.tenantId,
        iamRoleArn: role.roleArn,
        snsTopicArns: [props.topic.topicArn],
        guardrailPolicies: [guardrail.managedPolicyArn],
      });
    }
  }
}
