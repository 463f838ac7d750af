// WeCom (企业微信) pushes, in the same scheme as the official-account types: `event.<Event>` for
// app callbacks (MsgType event, receiveid = corpid), `info.<InfoType>` for the instruction
// callbacks of third-party apps and suites (receiveid = the suite id), `aibot.<msgtype>` for the
// JSON callbacks of intelligent robots (receiveid ""). Field names are WeCom's own. Where an event
// name exists for official accounts too (LOCATION, CLICK, subscribe…) the official type serves both:
// WeCom only adds AgentID, which every variant already carries as optional.
import type { MessageObject, MessageValue, OneOrMany } from './message-types.js';

interface WorkEventBase<E extends string> {
  kind: `event.${E}`;
  /** The corp id. */
  ToUserName: string;
  /** The member's UserID, or `sys` for system events. */
  FromUserName: string;
  CreateTime: number;
  MsgType: 'event';
  Event: E;
  AgentID?: number;
}

/** Members, departments and tags (通讯录变更). */
export type ChangeContactType = 'create_user' | 'update_user' | 'delete_user' | 'create_party' | 'update_party' | 'delete_party' | 'update_tag';

/**
 * The fields of a contact change. Which are present depends on ChangeType: the user ones carry
 * UserID (and NewUserID when it changed), the party ones Id / Name / ParentId / Order, update_tag
 * TagId and the comma-separated Add/Del lists. Department and IsLeaderInDept are comma-separated text.
 */
export interface ChangeContactFields {
  ChangeType: ChangeContactType;
  UserID?: string;
  NewUserID?: string;
  OpenUserID?: string;
  Name?: string;
  Department?: string;
  MainDepartment?: number;
  IsLeaderInDept?: string;
  DirectLeader?: string;
  Position?: string;
  Mobile?: string;
  Gender?: string;
  Email?: string;
  BizMail?: string;
  Status?: string;
  Avatar?: string;
  Alias?: string;
  Telephone?: string;
  Address?: string;
  ExtAttr?: MessageValue;
  /** Department id (create/update/delete_party); text as pushed. */
  Id?: string;
  ParentId?: number;
  Order?: number;
  TagId?: number;
  AddUserItems?: string;
  DelUserItems?: string;
  AddPartyItems?: string;
  DelPartyItems?: string;
}

export type ChangeExternalContactType =
  | 'add_external_contact'
  | 'edit_external_contact'
  | 'add_half_external_contact'
  | 'del_external_contact'
  | 'del_follow_user'
  | 'transfer_fail';

/** 客户联系: a member's external contacts changed. */
export interface ChangeExternalContactFields {
  ChangeType: ChangeExternalContactType;
  UserID?: string;
  ExternalUserID?: string;
  /** The 「联系我」 state that brought the customer. */
  State?: string;
  /** Send a welcome message with it (add_external_contact, add_half_external_contact). */
  WelcomeCode?: string;
  /** del_external_contact: who deleted (e.g. DELETE_BY_TRANSFER). */
  Source?: string;
  /** transfer_fail: customer_refused or customer_limit_exceed. */
  FailReason?: string;
}

export type ChangeExternalChatType = 'create' | 'update' | 'dismiss';
export interface ChangeExternalChatFields {
  ChangeType: ChangeExternalChatType;
  ChatId: string;
  /** update: add_member, del_member, change_owner, change_name, change_notice. */
  UpdateDetail?: string;
  JoinScene?: string;
  QuitScene?: string;
  MemChangeCnt?: number;
  MemChangeList?: MessageValue;
  LastMemVer?: string;
  CurMemVer?: string;
}

export type ChangeExternalTagType = 'create' | 'update' | 'delete' | 'shuffle';
export interface ChangeExternalTagFields {
  ChangeType: ChangeExternalTagType;
  /** The tag or tag group id. */
  Id?: string;
  /** tag or tag_group. */
  TagType?: string;
  StrategyId?: string;
}

export interface WorkChangeContactEvent extends WorkEventBase<'change_contact'>, ChangeContactFields {}
export interface WorkChangeExternalContactEvent extends WorkEventBase<'change_external_contact'>, ChangeExternalContactFields {}
export interface WorkChangeExternalChatEvent extends WorkEventBase<'change_external_chat'>, ChangeExternalChatFields {}
export interface WorkChangeExternalTagEvent extends WorkEventBase<'change_external_tag'>, ChangeExternalTagFields {}

/** 审批状态通知 (the approval app's own approvals); `ApprovalInfo` holds SpNo, SpStatus, the records… */
export interface WorkSysApprovalChangeEvent extends WorkEventBase<'sys_approval_change'> {
  ApprovalInfo?: MessageObject;
}

/** 异步任务完成: `BatchJob` holds JobId, JobType (sync_user, replace_user, invite_user, replace_party), ErrCode, ErrMsg. */
export interface WorkBatchJobResultEvent extends WorkEventBase<'batch_job_result'> {
  BatchJob?: { JobId?: string; JobType?: string; ErrCode?: number; ErrMsg?: string } & MessageObject;
}

/** A member opened the app. */
export interface WorkEnterAgentEvent extends WorkEventBase<'enter_agent'> {
  EventKey?: string;
}

/** WeCom's menu events are spelled in lower case (official accounts use CLICK / VIEW). */
export interface WorkClickEvent extends WorkEventBase<'click'> {
  EventKey: string;
}
export interface WorkViewEvent extends WorkEventBase<'view'> {
  EventKey: string;
}
export interface WorkViewMiniprogramEvent extends WorkEventBase<'view_miniprogram'> {
  EventKey: string;
}

/** A selection made on a vote / multiple-choice template card: the options chosen per question. */
export type TemplateCardSelectedItem = {
  QuestionKey: string;
  OptionIds?: { OptionId?: OneOrMany<string> } & MessageObject;
} & MessageObject;

/**
 * 模板卡片事件: a member clicked a button of a template card (button_interaction, vote_interaction,
 * multiple_interaction) sent by the app. `ResponseCode` (usable once, 72 h) updates the card
 * with `message/update_template_card`.
 */
export interface WorkTemplateCardEvent extends WorkEventBase<'template_card_event'> {
  /** The key of the clicked button (button_list[].key, or submit_button.key). */
  EventKey: string;
  /** The task_id the card was sent with. */
  TaskId: string;
  /** text_notice, news_notice, button_interaction, vote_interaction, multiple_interaction. */
  CardType?: string;
  ResponseCode?: string;
  SelectedItems?: { SelectedItem?: OneOrMany<TemplateCardSelectedItem> } & MessageObject;
}

/** 模板卡片右上角菜单事件: a member chose an item of a card's top-right menu (action_menu). */
export interface WorkTemplateCardMenuEvent extends WorkEventBase<'template_card_menu_event'> {
  /** The action_menu.action_list[].key chosen. */
  EventKey: string;
  TaskId: string;
  CardType?: string;
  ResponseCode?: string;
}

/** 任务卡片事件 (the older interactive_taskcard): the button clicked. */
export interface WorkTaskcardClickEvent extends WorkEventBase<'taskcard_click'> {
  EventKey: string;
  TaskId: string;
}

/** 应用管理员变更: the app's admins changed (FromUserName is `sys`); re-read them with agent/get_admin_list. */
export type WorkChangeAppAdminEvent = WorkEventBase<'change_app_admin'>;

/** 直播回调: a living (直播) changed status. Status as WeCom sends it: 0 reserved, 1 live, 2 ended, 3 expired, 4 cancelled. */
export interface WorkLivingStatusChangeEvent extends WorkEventBase<'living_status_change'> {
  LivingId: string;
  Status?: string | number;
}

/** The approval as 审批流程引擎 (open approval) reports it: ThirdNo is your own application number. */
export type OpenApprovalInfo = {
  ThirdNo?: string;
  OpenSpName?: string;
  OpenTemplateId?: string;
  /** 1 pending, 2 approved, 3 rejected, 4 cancelled. */
  OpenSpStatus?: MessageValue;
  ApplyTime?: MessageValue;
  ApplyUserName?: string;
  ApplyUserId?: string;
  ApplyUserParty?: string;
  ApplyUserImage?: string;
  ApprovalNodes?: MessageValue;
  NotifyNodes?: MessageValue;
  approverstep?: MessageValue;
} & MessageObject;

/** 审批状态通知 of the open approval engine (审批流程引擎): ApprovalInfo holds the application and its nodes. */
export interface WorkOpenApprovalChangeEvent extends WorkEventBase<'open_approval_change'> {
  ApprovalInfo?: OpenApprovalInfo;
}

/** 工作台自定义展示模式切换: Mode 1 = the custom workbench display (agent/set_workbench_template), 0 = the normal one. */
export interface WorkSwitchWorkbenchModeEvent extends WorkEventBase<'switch_workbench_mode'> {
  Mode: number;
}

/**
 * 微信客服: new messages or events wait for `kf/sync_msg`, called with this Token. The push has no
 * FromUserName.
 */
export interface WorkKfMsgOrEvent {
  kind: 'event.kf_msg_or_event';
  ToUserName: string;
  CreateTime: number;
  MsgType: 'event';
  Event: 'kf_msg_or_event';
  Token: string;
  OpenKfId: string;
}

export type WorkEventMessage =
  | WorkChangeContactEvent
  | WorkChangeExternalContactEvent
  | WorkChangeExternalChatEvent
  | WorkChangeExternalTagEvent
  | WorkSysApprovalChangeEvent
  | WorkBatchJobResultEvent
  | WorkEnterAgentEvent
  | WorkClickEvent
  | WorkViewEvent
  | WorkViewMiniprogramEvent
  | WorkTemplateCardEvent
  | WorkTemplateCardMenuEvent
  | WorkTaskcardClickEvent
  | WorkChangeAppAdminEvent
  | WorkLivingStatusChangeEvent
  | WorkOpenApprovalChangeEvent
  | WorkSwitchWorkbenchModeEvent
  | WorkKfMsgOrEvent;

// ------------------------------------------------------------------ instruction callbacks (InfoType)

interface SuiteInfoBase<I extends string> {
  kind: `info.${I}`;
  /** The suite (third-party app, or 代开发 template) the push is for. */
  SuiteId: string;
  InfoType: I;
  /** Unix seconds. */
  TimeStamp: number;
}

/** Pushed every 10 minutes, valid 30 minutes. */
export interface SuiteTicketInfo extends SuiteInfoBase<'suite_ticket'> {
  SuiteTicket: string;
}
/** A corp installed the app (from the app market, or a suite's own install link with a push). */
export interface CreateAuthInfo extends SuiteInfoBase<'create_auth'> {
  AuthCode: string;
  State?: string;
  ExtraInfo?: MessageValue;
}
export interface ChangeAuthInfo extends SuiteInfoBase<'change_auth'> {
  AuthCorpId: string;
  State?: string;
  ExtraInfo?: MessageValue;
}
export interface CancelAuthInfo extends SuiteInfoBase<'cancel_auth'> {
  AuthCorpId: string;
}
/** 代开发: the app's secret (permanent code) was reset; exchange AuthCode for the new one. */
export interface ResetPermanentCodeInfo extends SuiteInfoBase<'reset_permanent_code'> {
  AuthCode: string;
}

interface CorpInfoBase<I extends string> extends SuiteInfoBase<I> {
  /** The authorizing corp the change happened in. */
  AuthCorpId: string;
}
export interface SuiteChangeContactInfo extends CorpInfoBase<'change_contact'>, ChangeContactFields {}
export interface SuiteChangeExternalContactInfo extends CorpInfoBase<'change_external_contact'>, ChangeExternalContactFields {}
export interface SuiteChangeExternalChatInfo extends CorpInfoBase<'change_external_chat'>, ChangeExternalChatFields {}
export interface SuiteChangeExternalTagInfo extends CorpInfoBase<'change_external_tag'>, ChangeExternalTagFields {}

export type SuiteInfo =
  | SuiteTicketInfo
  | CreateAuthInfo
  | ChangeAuthInfo
  | CancelAuthInfo
  | ResetPermanentCodeInfo
  | SuiteChangeContactInfo
  | SuiteChangeExternalContactInfo
  | SuiteChangeExternalChatInfo
  | SuiteChangeExternalTagInfo;

// ------------------------------------------------------------------ intelligent robots (JSON)

interface AibotBase<K extends string, T extends string> {
  kind: K;
  /** Unique per callback; WeCom may call again with the same one. */
  msgid: string;
  aibotid: string;
  chatid?: string;
  /** single or group. */
  chattype?: string;
  from: { userid: string; corpid?: string } & MessageObject;
  /** Where to send a later (active) reply to this message. */
  response_url?: string;
  msgtype: T;
  create_time?: number;
}

export interface AibotTextMessage extends AibotBase<'aibot.text', 'text'> {
  text: { content: string };
  quote?: MessageObject;
}
export interface AibotImageMessage extends AibotBase<'aibot.image', 'image'> {
  image: { url: string } & MessageObject;
}
export interface AibotMixedMessage extends AibotBase<'aibot.mixed', 'mixed'> {
  mixed: { msg_item: OneOrMany<MessageObject> } & MessageObject;
  quote?: MessageObject;
}
export interface AibotVoiceMessage extends AibotBase<'aibot.voice', 'voice'> {
  voice: { content?: string } & MessageObject;
}
export interface AibotFileMessage extends AibotBase<'aibot.file', 'file'> {
  file: { url: string } & MessageObject;
}
/** WeCom asks for the next piece of a streamed answer (`stream.id`). */
export interface AibotStreamRefresh extends AibotBase<'aibot.stream', 'stream'> {
  stream: { id: string } & MessageObject;
}
/** enter_chat, template_card_event, feedback_event…: `event.eventtype` names it. */
export interface AibotEvent extends AibotBase<'aibot.event', 'event'> {
  event: { eventtype: string } & MessageObject;
}

export type AibotMessage = AibotTextMessage | AibotImageMessage | AibotMixedMessage | AibotVoiceMessage | AibotFileMessage | AibotStreamRefresh | AibotEvent;
