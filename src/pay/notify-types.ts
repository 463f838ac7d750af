// Typed WeChat Pay notifications (回调通知). A v3 notification is the envelope WeChat posts with its
// `resource` decrypted: `kind` groups the event types whose resources share a shape, `event_type`
// is WeChat's own. Field names are WeChat's (snake_case), from the WeChat Pay OpenAPI description
// (v3/webhooks.yaml) and the notification pages it links; every resource also keeps the fields this
// list does not name, since WeChat adds fields without notice.

/** The notification itself, as posted (`resource` decrypted into the typed variants below). */
export interface NotificationEnvelope {
  /** 通知ID: the same for every retry of one notification (what de-duplication keys on). */
  id: string;
  /** RFC 3339. */
  create_time: string;
  event_type: string;
  /** `encrypt-resource`. */
  resource_type: string;
  summary?: string;
  /** `resource.original_type` (e.g. `transaction`, `refund`, `profitsharing`, `mch_payment`), when sent. */
  original_type?: string;
}

export interface PayAmount {
  total?: number;
  payer_total?: number;
  currency?: string;
  payer_currency?: string;
  [field: string]: unknown;
}

/** 支付成功通知: the same object as a transaction query answers. */
export interface TransactionResource {
  appid?: string;
  mchid?: string;
  /** Service providers (服务商). */
  sp_appid?: string;
  sp_mchid?: string;
  sub_appid?: string;
  sub_mchid?: string;
  out_trade_no: string;
  transaction_id: string;
  /** JSAPI, NATIVE, APP, MICROPAY, MWEB, FACEPAY. */
  trade_type?: string;
  /** SUCCESS, REFUND, NOTPAY, CLOSED, REVOKED, USERPAYING, PAYERROR. */
  trade_state: string;
  trade_state_desc?: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer?: { openid?: string; sp_openid?: string; sub_openid?: string; [field: string]: unknown };
  amount?: PayAmount;
  scene_info?: { device_id?: string; [field: string]: unknown };
  promotion_detail?: Record<string, unknown>[];
  [field: string]: unknown;
}

/** 合单支付通知: one payment covering several sub-orders. */
export interface CombineTransactionResource {
  combine_appid?: string;
  combine_mchid?: string;
  combine_out_trade_no: string;
  scene_info?: Record<string, unknown>;
  sub_orders?: Record<string, unknown>[];
  combine_payer_info?: { openid?: string; [field: string]: unknown };
  [field: string]: unknown;
}

/** 退款结果通知 (REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED). */
export interface RefundResource {
  mchid?: string;
  sp_mchid?: string;
  sub_mchid?: string;
  out_trade_no: string;
  transaction_id: string;
  out_refund_no: string;
  refund_id: string;
  /** SUCCESS, CLOSED, ABNORMAL. */
  refund_status: string;
  success_time?: string;
  user_received_account?: string;
  amount?: { total?: number; refund?: number; payer_total?: number; payer_refund?: number; [field: string]: unknown };
  [field: string]: unknown;
}

/** 分账动账通知 (to the receiver of a profit share). */
export interface ProfitSharingResource {
  mchid?: string;
  sp_mchid?: string;
  sub_mchid?: string;
  transaction_id: string;
  /** 微信分账/回退单号. */
  order_id: string;
  out_order_no: string;
  receiver?: { type?: string; account?: string; amount?: number; description?: string; [field: string]: unknown };
  success_time?: string;
  [field: string]: unknown;
}

/** 商家转账 (用户确认模式) 终态通知, MCHTRANSFER.BILL.FINISHED. */
export interface TransferBillResource {
  mch_id?: string;
  out_bill_no: string;
  transfer_bill_no: string;
  /** SUCCESS, FAIL, CANCELLED (the final states that are notified). */
  state: string;
  transfer_amount?: number;
  openid?: string;
  fail_reason?: string;
  create_time?: string;
  update_time?: string;
  [field: string]: unknown;
}

/** 商家转账批次回调 (MCHTRANSFER.BATCH.FINISHED / CLOSED). */
export interface TransferBatchResource {
  mchid?: string;
  out_batch_no: string;
  batch_id: string;
  batch_status: string;
  [field: string]: unknown;
}

/** 微信支付分: 用户确认 / 支付成功 / 授权 / 解除授权. */
export interface PayScoreResource {
  appid?: string;
  mchid?: string;
  service_id?: string;
  out_order_no?: string;
  order_id?: string;
  openid?: string;
  state?: string;
  state_description?: string;
  total_amount?: number;
  collection?: Record<string, unknown>;
  [field: string]: unknown;
}

/** 投诉通知 (COMPLAINT.CREATE / COMPLAINT.STATE_CHANGE). */
export interface ComplaintResource {
  complaint_id: string;
  action_type?: string;
  [field: string]: unknown;
}

/** 代金券 / 商家券 (COUPON.USE / COUPON.SEND). */
export interface CouponResource {
  stock_id?: string;
  coupon_id?: string;
  [field: string]: unknown;
}

type Event<K extends string, T extends string, R> = NotificationEnvelope & { kind: K; event_type: T; resource: R };

export type TransactionNotification = Event<'transaction', 'TRANSACTION.SUCCESS' | 'TRANSACTION.FAIL', TransactionResource>;
export type CombineTransactionNotification = Event<'combine_transaction', 'TRANSACTION.SUCCESS', CombineTransactionResource>;
export type RefundNotification = Event<'refund', 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED', RefundResource>;
/**
 * The documented event types are PROFITSHARING / PROFITSHARING_RETURN (and PROFITSHARING.SUCCESS /
 * PROFITSHARING.RETURN on some pages), but some merchants receive profit-sharing notifications as
 * TRANSACTION.SUCCESS; those are recognised by `original_type` or their resource's shape.
 */
export type ProfitSharingNotification = Event<'profitsharing', string, ProfitSharingResource>;
export type TransferNotification = Event<'transfer', 'MCHTRANSFER.BILL.FINISHED', TransferBillResource>;
export type TransferBatchNotification = Event<'transfer_batch', 'MCHTRANSFER.BATCH.FINISHED' | 'MCHTRANSFER.BATCH.CLOSED', TransferBatchResource>;
export type PayScoreNotification = Event<
  'payscore',
  'PAYSCORE.USER_CONFIRM' | 'PAYSCORE.USER_PAID' | 'PAYSCORE.USER_OPEN_SERVICE' | 'PAYSCORE.USER_CLOSE_SERVICE',
  PayScoreResource
>;
export type ComplaintNotification = Event<'complaint', 'COMPLAINT.CREATE' | 'COMPLAINT.STATE_CHANGE', ComplaintResource>;
export type CouponNotification = Event<'coupon', 'COUPON.USE' | 'COUPON.SEND', CouponResource>;
/** Any other event type, with its decrypted resource as WeChat sent it. */
export type UnknownNotification = Event<'unknown', string, unknown>;

export type PayNotification =
  | TransactionNotification
  | CombineTransactionNotification
  | RefundNotification
  | ProfitSharingNotification
  | TransferNotification
  | TransferBatchNotification
  | PayScoreNotification
  | ComplaintNotification
  | CouponNotification
  | UnknownNotification;

export type PayNotificationKind = PayNotification['kind'];

const BY_EVENT: Readonly<Record<string, Exclude<PayNotificationKind, 'combine_transaction' | 'unknown'>>> = {
  'TRANSACTION.SUCCESS': 'transaction',
  'TRANSACTION.FAIL': 'transaction',
  'REFUND.SUCCESS': 'refund',
  'REFUND.ABNORMAL': 'refund',
  'REFUND.CLOSED': 'refund',
  PROFITSHARING: 'profitsharing',
  PROFITSHARING_RETURN: 'profitsharing',
  'PROFITSHARING.SUCCESS': 'profitsharing',
  'PROFITSHARING.RETURN': 'profitsharing',
  'MCHTRANSFER.BILL.FINISHED': 'transfer',
  'MCHTRANSFER.BATCH.FINISHED': 'transfer_batch',
  'MCHTRANSFER.BATCH.CLOSED': 'transfer_batch',
  'PAYSCORE.USER_CONFIRM': 'payscore',
  'PAYSCORE.USER_PAID': 'payscore',
  'PAYSCORE.USER_OPEN_SERVICE': 'payscore',
  'PAYSCORE.USER_CLOSE_SERVICE': 'payscore',
  'COMPLAINT.CREATE': 'complaint',
  'COMPLAINT.STATE_CHANGE': 'complaint',
  'COUPON.USE': 'coupon',
  'COUPON.SEND': 'coupon',
};

/** The kind of a decrypted notification: by event type, refined by original_type and shape where WeChat reuses a type. */
export function notificationKind(eventType: string, originalType: string | undefined, resource: unknown): PayNotificationKind {
  const kind = BY_EVENT[eventType];
  if (kind === 'transaction' && resource && typeof resource === 'object') {
    const r = resource as Record<string, unknown>;
    if (typeof r.combine_out_trade_no === 'string') return 'combine_transaction';
    if (originalType === 'profitsharing' || (typeof r.order_id === 'string' && typeof r.receiver === 'object' && !('trade_state' in r))) return 'profitsharing';
  }
  return kind ?? 'unknown';
}

/** A v2 notification (XML): a payment result, or a refund result with its decrypted `req_info`. */
export type PayNotificationV2 =
  | {
      kind: 'transaction';
      /** Every field of the notification, `sign` verified. */
      fields: Record<string, string>;
    }
  | {
      kind: 'refund';
      /** The outer fields (return_code, appid, mch_id, nonce_str, req_info). */
      fields: Record<string, string>;
      /** `req_info` decrypted: out_refund_no, refund_id, refund_status, success_time, refund_fee, … */
      refund: Record<string, string>;
    };
