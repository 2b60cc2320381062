/**
 * Optional AWS Chatbot channel configurations subscribed to the alerts and operations topics: Slack or
 * Microsoft Teams without a relay function, rendering the evaluator's custom
 * notifications and the watchdog's alarms. Notifications only: the channel role has no
 * permissions and the guardrail allows nothing beyond describing the watchdog's alarms.
 */
import { Aws } from 'aws-cdk-lib';
import { CfnMicrosoftTeamsChannelConfiguration, SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { DeploymentConfig } from '../config/deployment-config.ts';

export interface ChatbotChannelsProps {
  readonly stage: string;
  /** The alerts and the operations topic. */
  readonly topics: readonly ITopic[];
  readonly chatbot: NonNullable<DeploymentConfig['chatbot']>;
  /** The watchdog's alarms, which channel members may describe. */
  readonly alarmArns: readonly string[];
}

export class ChatbotChannels extends Construct {
  constructor(scope: Construct, id: string, props: ChatbotChannelsProps) {
    super(scope, id);
    // Channel configuration names are account-wide (AWS Chatbot is a global service): the region keeps a second region's stack apart.
    const name = `zk-lookout-${props.stage}-${Aws.REGION}`;
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('chatbot.amazonaws.com'),
      description: `zk-lookout-${props.stage} AWS Chatbot channels: notifications only`,
    });
    const guardrail = new ManagedPolicy(this, 'Guardrail', {
      description: `zk-lookout-${props.stage} AWS Chatbot guardrail: describe the watchdog's alarms`,
      statements: [new PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [...props.alarmArns] })],
    });
    const { slack, teams } = props.chatbot;
    if (slack) {
      new SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: name,
        slackWorkspaceId: slack.workspaceId,
        slackChannelId: slack.channelId,
        notificationTopics: [...props.topics],
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
        snsTopicArns: props.topics.map((t) => t.topicArn),
        guardrailPolicies: [guardrail.managedPolicyArn],
      });
    }
  }
}
