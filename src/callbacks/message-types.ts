// Types of parsed pushes. Field names are WeChat's own, spelled as on the wire. `kind` is the only
// field wxkit adds: a single literal per variant so `switch (msg.kind)` narrows, including against the
// catch-all `unknown` variant (whose MsgType is any string and so could never be a discriminant).

/** A value inside a push: XML text, a JSON scalar, or a nested element / object / repeated list. */
export type MessageValue = string | number | boolean | null | MessageObject | MessageValue[];
export interface MessageObject {
  [name: string]: MessageValue;
}

import type { AibotMessage, SuiteInfo, WorkEventMessage } from './work-message-types.js';

/** XML has no arrays: one child is an object, several with the same name are an array. */
export type OneOrMany<T> = T | T[];

interface Base<K extends string, T extends string> {
  kind: K;
  ToUserName: string;
  FromUserName: string;
  CreateTime: number;
  MsgType: T;
  /** WeCom application id (企业微信). */
  AgentID?: number;
}

/** MsgId is a string: it is a 64-bit integer on the wire (beyond 2^53) and free text in some mini program pushes. */
interface UserMessage<T extends string> extends Base<T, T> {
  MsgId?: string;
  /** Set when the message was sent from an article (`MsgDataId`/`Idx` identify it). */
  MsgDataId?: string;
  Idx?: string;
}

export interface TextMessage extends UserMessage<'text'> {
  Content: string;
}
export interface ImageMessage extends UserMessage<'image'> {
  PicUrl: string;
  MediaId: string;
}
export interface VoiceMessage extends UserMessage<'voice'> {
  MediaId: string;
  Format: string;
  Recognition?: string;
}
export interface VideoMessage extends UserMessage<'video'> {
  MediaId: string;
  ThumbMediaId: string;
}
export interface ShortVideoMessage extends UserMessage<'shortvideo'> {
  MediaId: string;
  ThumbMediaId: string;
}
export interface LocationMessage extends UserMessage<'location'> {
  Location_X: number;
  Location_Y: number;
  Scale: number;
  Label?: string;
}
export interface LinkMessage extends UserMessage<'link'> {
  Title: string;
  Description: string;
  Url: string;
}
/** Mini program customer-service card. */
export interface MiniProgramPageMessage extends UserMessage<'miniprogrampage'> {
  Title: string;
  AppId: string;
  PagePath: string;
  ThumbUrl?: string;
  ThumbMediaId?: string;
}

interface EventBase<E extends string> extends Base<`event.${E}`, 'event'> {
  Event: E;
}

/** `EventKey` is `qrscene_<scene>` and `Ticket` is set when the user subscribed by scanning a parametric QR code. */
export interface SubscribeEvent extends EventBase<'subscribe'> {
  EventKey?: string;
  Ticket?: string;
}
export type UnsubscribeEvent = EventBase<'unsubscribe'>;
export interface ScanEvent extends EventBase<'SCAN'> {
  EventKey: string;
  Ticket?: string;
}
export interface LocationEvent extends EventBase<'LOCATION'> {
  Latitude: number;
  Longitude: number;
  Precision: number;
}
export interface ClickEvent extends EventBase<'CLICK'> {
  EventKey: string;
}
export interface ViewEvent extends EventBase<'VIEW'> {
  EventKey: string;
  MenuId?: string;
}

export interface ScanCodeInfo {
  ScanType: string;
  ScanResult: string;
}
export interface ScanCodePushEvent extends EventBase<'scancode_push'> {
  EventKey: string;
  ScanCodeInfo?: ScanCodeInfo;
}
export interface ScanCodeWaitMsgEvent extends EventBase<'scancode_waitmsg'> {
  EventKey: string;
  ScanCodeInfo?: ScanCodeInfo;
}

export interface SendPicsInfo {
  Count?: number;
  PicList?: OneOrMany<{ item?: OneOrMany<{ PicMd5Sum: string }> } | string>;
}
export interface PicSysPhotoEvent extends EventBase<'pic_sysphoto'> {
  EventKey: string;
  SendPicsInfo?: SendPicsInfo;
}
export interface PicPhotoOrAlbumEvent extends EventBase<'pic_photo_or_album'> {
  EventKey: string;
  SendPicsInfo?: SendPicsInfo;
}
export interface PicWeixinEvent extends EventBase<'pic_weixin'> {
  EventKey: string;
  SendPicsInfo?: SendPicsInfo;
}

export interface SendLocationInfo {
  Location_X?: number;
  Location_Y?: number;
  Scale?: number;
  Label?: string;
  Poiname?: string;
}
export interface LocationSelectEvent extends EventBase<'location_select'> {
  EventKey: string;
  SendLocationInfo?: SendLocationInfo;
}

export interface TemplateSendJobFinishEvent extends EventBase<'TEMPLATESENDJOBFINISH'> {
  MsgID: string;
  Status: string;
}

export interface ResultList<T> {
  Count?: number;
  ResultList?: OneOrMany<{ item?: OneOrMany<T> } | string>;
  CheckState?: number;
}
export interface MassSendJobFinishEvent extends EventBase<'MASSSENDJOBFINISH'> {
  MsgID: string;
  Status: string;
  TotalCount?: number;
  FilterCount?: number;
  SentCount?: number;
  ErrorCount?: number;
  CopyrightCheckResult?: ResultList<MessageObject>;
  ArticleUrlResult?: ResultList<{ ArticleIdx?: number; ArticleUrl?: string }>;
}
export interface PublishJobFinishEvent extends EventBase<'PUBLISHJOBFINISH'> {
  PublishEventInfo?: MessageObject;
}

export interface KfCreateSessionEvent extends EventBase<'kf_create_session'> {
  KfAccount: string;
}
export interface KfCloseSessionEvent extends EventBase<'kf_close_session'> {
  KfAccount: string;
}
export interface KfSwitchSessionEvent extends EventBase<'kf_switch_session'> {
  FromKfAccount: string;
  ToKfAccount: string;
}

/** XML pushes nest the list under the event-named element; JSON pushes put `List` at the top level. */
export interface SubscribeMsgPopupItem {
  TemplateId: string;
  SubscribeStatusString: string;
  PopupScene?: number;
}
export interface SubscribeMsgChangeItem {
  TemplateId: string;
  SubscribeStatusString: string;
}
export interface SubscribeMsgSentItem {
  TemplateId: string;
  MsgID: string;
  ErrorCode: number;
  ErrorStatus: string;
}
export interface SubscribeMsgPopupEvent extends EventBase<'subscribe_msg_popup_event'> {
  SubscribeMsgPopupEvent?: { List: OneOrMany<SubscribeMsgPopupItem> };
  List?: OneOrMany<SubscribeMsgPopupItem>;
}
export interface SubscribeMsgChangeEvent extends EventBase<'subscribe_msg_change_event'> {
  SubscribeMsgChangeEvent?: { List: OneOrMany<SubscribeMsgChangeItem> };
  List?: OneOrMany<SubscribeMsgChangeItem>;
}
export interface SubscribeMsgSentEvent extends EventBase<'subscribe_msg_sent_event'> {
  SubscribeMsgSentEvent?: { List: OneOrMany<SubscribeMsgSentItem> };
  List?: OneOrMany<SubscribeMsgSentItem>;
}
/** Mini program: the user opened a customer-service session. */
export interface UserEnterTempsessionEvent extends EventBase<'user_enter_tempsession'> {
  SessionFrom?: string;
}
/** Mini program: asynchronous media content-security result (`mediaCheckAsync`). */
export interface WxaMediaCheckEvent extends EventBase<'wxa_media_check'> {
  appid?: string;
  trace_id?: string;
  version?: number;
  isrisky?: number;
  status_code?: number;
  extra_info_json?: string;
  result?: MessageValue;
  detail?: MessageValue;
}

interface InfoBase<I extends string> {
  kind: `info.${I}`;
  /** The third-party platform (component) appid. */
  AppId: string;
  CreateTime: number;
  InfoType: I;
}
export interface ComponentVerifyTicketInfo extends InfoBase<'component_verify_ticket'> {
  ComponentVerifyTicket: string;
}
export interface AuthorizedInfo extends InfoBase<'authorized'> {
  AuthorizerAppid: string;
  AuthorizationCode: string;
  AuthorizationCodeExpiredTime?: number;
  PreAuthCode?: string;
}
export interface UpdateAuthorizedInfo extends InfoBase<'updateauthorized'> {
  AuthorizerAppid: string;
  AuthorizationCode: string;
  AuthorizationCodeExpiredTime?: number;
  PreAuthCode?: string;
}
export interface UnauthorizedInfo extends InfoBase<'unauthorized'> {
  AuthorizerAppid: string;
}
/** Fast registration of a mini program by the platform finished (fields are lower-case on the wire). */
export interface FastRegisterInfo extends InfoBase<'notify_third_fasteregister'> {
  appid?: string;
  status: number;
  auth_code?: string;
  msg?: string;
  info?: MessageObject;
}

/** Anything wxkit has no type for (other events, pay notifications...): every field kept as received. */
export interface UnknownMessage {
  kind: 'unknown';
  [field: string]: MessageValue | undefined;
}

export type UserMessageType =
  | TextMessage
  | ImageMessage
  | VoiceMessage
  | VideoMessage
  | ShortVideoMessage
  | LocationMessage
  | LinkMessage
  | MiniProgramPageMessage;
export type EventMessage =
  | SubscribeEvent
  | UnsubscribeEvent
  | ScanEvent
  | LocationEvent
  | ClickEvent
  | ViewEvent
  | ScanCodePushEvent
  | ScanCodeWaitMsgEvent
  | PicSysPhotoEvent
  | PicPhotoOrAlbumEvent
  | PicWeixinEvent
  | LocationSelectEvent
  | TemplateSendJobFinishEvent
  | MassSendJobFinishEvent
  | PublishJobFinishEvent
  | KfCreateSessionEvent
  | KfCloseSessionEvent
  | KfSwitchSessionEvent
  | SubscribeMsgPopupEvent
  | SubscribeMsgChangeEvent
  | SubscribeMsgSentEvent
  | UserEnterTempsessionEvent
  | WxaMediaCheckEvent;
export type ComponentInfo = ComponentVerifyTicketInfo | AuthorizedInfo | UpdateAuthorizedInfo | UnauthorizedInfo | FastRegisterInfo;

export type WxMessage = UserMessageType | EventMessage | ComponentInfo | WorkEventMessage | SuiteInfo | AibotMessage | UnknownMessage;
export type MessageKind = WxMessage['kind'];
