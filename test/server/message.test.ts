import { describe, expect, it } from 'vitest';
import { WxCryptoError } from '../../src/core/errors.js';
import { asArray, parseMessage, qrScene, type WxMessage } from '../../src/callbacks/index.js';
import { describeReference, readFixture, readFixtureJson, readReference, readReferenceJson, type XmlIndexEntry } from '../reference.js';

const field = (m: WxMessage, name: string): unknown => (m as Record<string, unknown>)[name];

/** Our own samples (test/fixtures/messages): every id and name in them is made up. */
interface SampleEntry {
  file: string;
  kind: string;
  /** Fields the parsed message must contain, with the JS types parseMessage gives them. */
  fields: Record<string, unknown>;
}
const samples = readFixtureJson<SampleEntry[]>('messages/index.json');
const sample = (file: string): WxMessage => {
  if (!samples.some((e) => e.file === file)) throw new Error(`no sample ${file} in test/fixtures/messages/index.json`);
  return parseMessage(readFixture(`messages/${file}`));
};

// The variants wxkit types. A sample whose MsgType/Event/InfoType is listed here must get that kind;
// anything else must come back as 'unknown' with its fields intact.
const TYPED_MESSAGES = new Set(['text', 'image', 'voice', 'video', 'shortvideo', 'location', 'link', 'miniprogrampage']);
const TYPED_EVENTS = new Set([
  'subscribe',
  'unsubscribe',
  'SCAN',
  'LOCATION',
  'CLICK',
  'VIEW',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
  'TEMPLATESENDJOBFINISH',
  'MASSSENDJOBFINISH',
  'PUBLISHJOBFINISH',
  'kf_create_session',
  'kf_close_session',
  'kf_switch_session',
  'subscribe_msg_popup_event',
  'subscribe_msg_change_event',
  'subscribe_msg_sent_event',
  'user_enter_tempsession',
  'wxa_media_check',
  // WeCom
  'change_contact',
  'change_external_contact',
  'change_external_chat',
  'change_external_tag',
  'sys_approval_change',
  'batch_job_result',
  'enter_agent',
  'click',
  'view',
  'view_miniprogram',
  'template_card_event',
  'template_card_menu_event',
  'taskcard_click',
  'change_app_admin',
  'living_status_change',
  'open_approval_change',
  'switch_workbench_mode',
  'kf_msg_or_event',
]);
const TYPED_INFOS = new Set([
  'component_verify_ticket',
  'authorized',
  'updateauthorized',
  'unauthorized',
  'notify_third_fasteregister',
  // WeCom suites
  'suite_ticket',
  'create_auth',
  'change_auth',
  'cancel_auth',
  'reset_permanent_code',
  'change_contact',
  'change_external_contact',
  'change_external_chat',
  'change_external_tag',
]);

// WeCom change events are typed per ChangeType; a sample with a ChangeType outside the documented
// ones (easywechat's test reuses the event name) stays unknown.
const CHANGE_TYPES: Record<string, readonly string[]> = {
  change_contact: ['create_user', 'update_user', 'delete_user', 'create_party', 'update_party', 'delete_party', 'update_tag'],
  change_external_contact: [
    'add_external_contact',
    'edit_external_contact',
    'add_half_external_contact',
    'del_external_contact',
    'del_follow_user',
    'transfer_fail',
  ],
};

function expectedKind(entry: XmlIndexEntry): string {
  const name = entry.event ?? entry.info_type;
  const changeType = entry.top_level_fields['ChangeType'];
  if (name && CHANGE_TYPES[name] && !CHANGE_TYPES[name]!.includes(String(changeType))) return 'unknown';
  if (entry.msg_type === 'event') return entry.event && TYPED_EVENTS.has(entry.event) ? `event.${entry.event}` : 'unknown';
  if (entry.msg_type) return TYPED_MESSAGES.has(entry.msg_type) ? entry.msg_type : 'unknown';
  if (entry.info_type) return TYPED_INFOS.has(entry.info_type) ? `info.${entry.info_type}` : 'unknown';
  return 'unknown';
}

describe('own samples (test/fixtures/messages)', () => {
  it('cover every kind wxkit types, and some it does not', () => {
    const kinds = new Set(samples.map((e) => e.kind));
    const typed = [...[...TYPED_MESSAGES], ...[...TYPED_EVENTS].map((e) => `event.${e}`), ...[...TYPED_INFOS].map((i) => `info.${i}`)];
    expect(typed.filter((k) => !kinds.has(k))).toEqual([]);
    expect(kinds.has('unknown')).toBe(true);
    expect(new Set(samples.map((e) => e.file)).size).toBe(samples.length);
  });

  for (const entry of samples) {
    it(`${entry.kind}: ${entry.file}`, () => {
      const text = readFixture(`messages/${entry.file}`);
      expect(text.trimStart()[0]).toBe(entry.file.endsWith('.json') ? '{' : '<');
      const message = parseMessage(text);
      expect(message.kind).toBe(entry.kind);
      expect(message).toMatchObject(entry.fields);
      if (field(message, 'MsgId') !== undefined) expect(typeof field(message, 'MsgId')).toBe('string');
      // WeCom suite pushes are stamped with TimeStamp; robot callbacks may carry create_time.
      if (message.kind.startsWith('aibot.')) expect(['number', 'undefined']).toContain(typeof field(message, 'create_time'));
      else if (message.kind !== 'unknown') expect(typeof (field(message, 'CreateTime') ?? field(message, 'TimeStamp'))).toBe('number');
    });
  }
});

describe('field conversion', () => {
  it('user messages', () => {
    const text = sample('mp/text.xml');
    // 7301234567890123456 is beyond 2^53: as a number it would have been rounded.
    expect(text).toMatchObject({ kind: 'text', Content: '早上好，wxkit <3 & friends', MsgId: '7301234567890123456', CreateTime: 1712345678 });
    expect(sample('mp/location.xml')).toMatchObject({
      kind: 'location',
      Location_X: 31.230416,
      Location_Y: 121.473701,
      Scale: 16,
      Label: '上海市黄浦区人民大道',
    });
    expect(sample('mp/voice-recognition.xml')).toMatchObject({ kind: 'voice', Recognition: '明天会下雨吗' });
    expect(sample('mp/text-from-article.xml')).toMatchObject({ kind: 'text', MsgDataId: '2247483650', Idx: '1' });
    expect(sample('work/text-with-agentid.xml')).toMatchObject({ kind: 'text', AgentID: 1000007 });
  });

  it('events', () => {
    const qr = sample('mp/event-subscribe-qrscene.xml');
    expect(qr).toMatchObject({ kind: 'event.subscribe', EventKey: 'qrscene_spring-fair', Ticket: 'gQMadeUpTicket0001' });
    expect(qrScene(qr)).toBe('spring-fair');
    expect(qrScene(sample('mp/event-scan.xml'))).toBe('booth-17');
    expect(qrScene(sample('mp/event-subscribe.xml'))).toBeUndefined();
    expect(qrScene(sample('mp/event-click.xml'))).toBeUndefined();
    expect(sample('mp/event-location.xml')).toMatchObject({ Latitude: 39.908823, Longitude: 116.39747, Precision: 65 });

    const mass = sample('mp/event-masssendjobfinish.xml');
    if (mass.kind !== 'event.MASSSENDJOBFINISH') throw new Error('wrong kind');
    expect(mass).toMatchObject({ MsgID: '1000001999', Status: 'send success', TotalCount: 120, ErrorCount: 1 });
    const copyright = asArray(mass.CopyrightCheckResult?.ResultList);
    expect(copyright).toHaveLength(1);
    const items = asArray((copyright[0] as { item?: unknown[] }).item);
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({ ArticleIdx: 2, OriginalArticleUrl: 'https://example.com/original/2', CanReprint: 0, NeedShowReprintSource: 1 });
    expect(mass.ArticleUrlResult).toMatchObject({ Count: 1, ResultList: { item: { ArticleIdx: 1, ArticleUrl: 'https://example.com/s/abc123' } } });

    expect(sample('mp/event-scancode-push.xml')).toMatchObject({ ScanCodeInfo: { ScanType: 'qrcode', ScanResult: 'https://example.com/t/42' } });
    // Numeric fields inside CDATA are numbers too; an empty Poiname stays an empty string.
    expect(sample('mp/event-location-select.xml')).toMatchObject({
      SendLocationInfo: { Location_X: 22.543099, Location_Y: 114.057868, Scale: 15, Poiname: '' },
    });
    // Two <item>s become an array, a single one stays an object: asArray() reads both alike.
    const pics = sample('mp/event-pic-weixin.xml');
    if (pics.kind !== 'event.pic_weixin') throw new Error('wrong kind');
    const picList = (list: unknown): unknown[] => asArray((list as { item?: unknown }).item as object | object[]);
    expect(pics.AgentID).toBe(1000007);
    expect(pics.SendPicsInfo?.Count).toBe(2);
    expect(picList(pics.SendPicsInfo?.PicList)).toHaveLength(2);
    const one = sample('mp/event-pic-sysphoto.xml');
    if (one.kind !== 'event.pic_sysphoto') throw new Error('wrong kind');
    expect(one.SendPicsInfo).toEqual({ Count: 1, PicList: { item: { PicMd5Sum: '0c2f7a5e9b1d3c4a6f8e0d2b4a6c8e0f' } } });
    expect(picList(one.SendPicsInfo?.PicList)).toEqual([{ PicMd5Sum: '0c2f7a5e9b1d3c4a6f8e0d2b4a6c8e0f' }]);
  });

  it('subscribe message events in XML and JSON', () => {
    const popup = sample('mp/event-subscribe-msg-popup.xml');
    if (popup.kind !== 'event.subscribe_msg_popup_event') throw new Error('wrong kind');
    expect(asArray(popup.SubscribeMsgPopupEvent?.List).map((i) => i.SubscribeStatusString)).toEqual(['accept', 'reject']);
    expect(asArray(popup.SubscribeMsgPopupEvent?.List).map((i) => i.PopupScene)).toEqual([2, 2]);
    const popupJson = sample('miniprogram/subscribe-msg-popup.json');
    if (popupJson.kind !== 'event.subscribe_msg_popup_event') throw new Error('wrong kind');
    expect(popupJson.CreateTime).toBe(1712347000);
    // PopupScene arrives as the string "0" in JSON and is a number after parsing, as in XML.
    expect(asArray(popupJson.List)[0]).toEqual({ TemplateId: 'tmpl_BookingReminder_made_up_03', SubscribeStatusString: 'accept', PopupScene: 0 });
    const sent = sample('mp/event-subscribe-msg-sent.xml');
    if (sent.kind !== 'event.subscribe_msg_sent_event') throw new Error('wrong kind');
    expect(asArray(sent.SubscribeMsgSentEvent?.List)[0]).toMatchObject({ MsgID: '2914523487016566784', ErrorCode: 0 });
  });

  it('third-party platform pushes', () => {
    expect(sample('component/component-verify-ticket.xml')).toMatchObject({
      kind: 'info.component_verify_ticket',
      AppId: 'wx3e1d5f7a9b2c4d60',
      ComponentVerifyTicket: 'ticket@@@MadeUpVerifyTicket_Rt5Yu',
      CreateTime: 1712348000,
    });
    expect(sample('component/authorized.xml')).toMatchObject({ kind: 'info.authorized', AuthorizationCodeExpiredTime: 1712351610 });
    // Text in a numeric field is kept as it came, not turned into NaN.
    expect(sample('component/authorized-placeholder-time.xml')).toMatchObject({ kind: 'info.authorized', AuthorizationCodeExpiredTime: '稍后过期' });
    expect(sample('component/notify-third-fasteregister.xml')).toMatchObject({
      kind: 'info.notify_third_fasteregister',
      status: 0,
      info: { code_type: 1, name: '示例科技有限公司' },
    });
  });

  it('mini program JSON: string ids stay strings, long integers are not rounded', () => {
    expect(sample('miniprogram/customer-service-text.json')).toMatchObject({
      kind: 'text',
      MsgId: 'f00dbabe1234abcd5678ef90_1712347020',
      CreateTime: 1712347020,
    });
    expect(sample('miniprogram/subscribe-msg-sent.json')).toMatchObject({ List: { MsgID: '2914523487016566785' } });
    const json =
      '{"ToUserName":"a","FromUserName":"b","CreateTime":1409659813,"MsgType":"text",' +
      '"Content":"n: 12345678901234567890, \\"q\\": 98765432109876543210","MsgId":4561255354251345929,"AgentID":218,' +
      '"Other":12345678901234567890,"Small":42}';
    expect(parseMessage(json)).toMatchObject({
      kind: 'text',
      MsgId: '4561255354251345929',
      Content: 'n: 12345678901234567890, "q": 98765432109876543210',
      AgentID: 218,
      Other: '12345678901234567890',
      Small: 42,
    });
  });

  it('long-integer quoting respects strings, escapes, fractions and exponents', () => {
    const m = parseMessage(
      '{"a":"say \\"12345678901234567890\\" ok","b":-12345678901234567890,"c":1234567890123456.5,' +
        '"d":12345678901234567e2,"e":["\\\\",98765432109876543210],"f":123456789012345,"g":"x\\\\"}',
    ) as Record<string, unknown>;
    expect(m).toMatchObject({
      a: 'say "12345678901234567890" ok',
      b: '-12345678901234567890',
      c: 1234567890123456.5,
      // biome-ignore lint/correctness/noPrecisionLoss: the test is about a literal JSON.parse rounds
      d: 12345678901234567e2,
      e: ['\\', '98765432109876543210'],
      f: 123456789012345,
      g: 'x\\',
    });
  });

  it('unknown types never throw and keep every field', () => {
    const unknown = sample('unknown/new-msgtype.xml');
    expect(unknown).toMatchObject({ kind: 'unknown', MsgType: 'hologram', Projection: '3d', MsgId: '7301234567890125000', CreateTime: 1712349000 });
    expect(parseMessage('<xml></xml>')).toEqual({ kind: 'unknown' });
    expect(parseMessage('<xml><MsgType>text</MsgType></xml>').kind).toBe('unknown'); // no Content, no sender
    expect(parseMessage('{"MsgType":"event","Event":"CLICK","CreateTime":"soon"}').kind).toBe('unknown');
  });

  it('fields named __proto__ stay data', () => {
    const m = parseMessage('{"__proto__":{"polluted":1},"MsgType":"x"}');
    expect(Object.keys(m)).toContain('__proto__');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const x = parseMessage('<xml><__proto__><polluted>1</polluted></__proto__></xml>');
    expect(Object.getPrototypeOf(x)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('malformed input throws WxCryptoError("format")', () => {
    for (const bad of ['', 'plain text', '[1,2]', '{"a":', '<xml><a></xml>', '{"a":' + '['.repeat(40) + ']'.repeat(40) + '}']) {
      try {
        parseMessage(bad);
        throw new Error(`accepted ${JSON.stringify(bad)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(WxCryptoError);
        expect((error as WxCryptoError).reason).toBe('format');
      }
    }
    // The official WeCom JSON demo decrypts to text that is not valid JSON.
    const wecom = '{ "ToUserName": "wx5823bf96d3bd56c7", "FromUserName": :mycreate", "CreateTime": 1409659813 }';
    expect(() => parseMessage(wecom)).toThrow(WxCryptoError);
  });
});

describeReference('every reference sample (../shared/reference/xml/index.json)', () => {
  const index = readReferenceJson<XmlIndexEntry[]>('xml/index.json');
  const load = (file: string): string => readReference(`xml/${file}`);

  it('has the expected size', () => {
    expect(index).toHaveLength(162);
  });

  for (const entry of index) {
    it(`${entry.category}: ${entry.file}`, () => {
      const message = parseMessage(load(entry.file));
      for (const [name, raw] of Object.entries(entry.top_level_fields)) {
        const value = field(message, name);
        if (typeof value === 'number') expect(value).toBe(Number(raw));
        else expect(value).toBe(String(raw));
      }
      if (typeof field(message, 'MsgId') !== 'undefined') expect(typeof field(message, 'MsgId')).toBe('string');
      if (entry.category === 'pay') {
        expect(message.kind).toBe('unknown');
        return;
      }
      if (entry.category === 'reply') {
        expect(field(message, 'MsgType')).toBe(entry.msg_type);
        return;
      }
      expect(message.kind).toBe(expectedKind(entry));
      if (entry.msg_type) expect(field(message, 'MsgType')).toBe(entry.msg_type);
      if (entry.event) expect(field(message, 'Event')).toBe(entry.event);
      if (entry.info_type) expect(field(message, 'InfoType')).toBe(entry.info_type);
      if (message.kind !== 'unknown' && 'CreateTime' in message) expect(typeof message.CreateTime).toBe('number');
    });
  }

  it('types a good share of the official-account / mini program / platform samples', () => {
    const relevant = index.filter((e) => ['mp', 'miniprogram', 'component'].includes(e.category));
    const typed = relevant.filter((e) => parseMessage(load(e.file)).kind !== 'unknown');
    expect(typed.length).toBeGreaterThanOrEqual(75);
  });
});

describeReference('field conversion on the reference samples (../shared/reference)', () => {
  const index = readReferenceJson<XmlIndexEntry[]>('xml/index.json');
  const byFile = (fragment: string): WxMessage => {
    const entry = index.find((e) => e.file.includes(fragment));
    if (!entry) throw new Error(`no sample matching ${fragment}`);
    return parseMessage(readReference(`xml/${entry.file}`));
  };

  it('user messages', () => {
    const text = byFile('wechatpy-test_parser__test_parse_text_message');
    expect(text).toMatchObject({ kind: 'text', Content: 'this is a test', MsgId: '1234567890123456', CreateTime: 1348831860 });
    const location = byFile('wechatpy-test_parser__test_parse_location_message');
    expect(location).toMatchObject({ kind: 'location', Location_X: 23.134521, Location_Y: 113.358803, Scale: 20, Label: '位置信息' });
    const voice = byFile('test_parse_data_voice_recognition');
    expect(voice).toMatchObject({ kind: 'voice', Recognition: '腾讯微信团队' });
    const article = byFile('official_text_with_msgdataid');
    expect(article).toMatchObject({ kind: 'text', MsgDataId: 'xxxx', Idx: 'xxxx' });
  });

  it('events', () => {
    const qr = byFile('wechatpy-test_events__test_subscribe_scan_event');
    expect(qr).toMatchObject({ kind: 'event.subscribe', EventKey: 'qrscene_123123', Ticket: 'TICKET' });
    expect(qrScene(qr)).toBe('123123');
    expect(qrScene(byFile('wechatpy-test_events__test_scan_event'))).toBe('SCENE_VALUE');
    expect(qrScene(byFile('wechatpy-test_events__test_subscribe_event'))).toBeUndefined();
    expect(byFile('wechatpy-test_events__test_location_event')).toMatchObject({ Latitude: 23.137466, Longitude: 113.352425, Precision: 119.38504 });

    const mass = byFile('wechatpy-test_events__test_mass_send_job_finish_event');
    if (mass.kind !== 'event.MASSSENDJOBFINISH') throw new Error('wrong kind');
    expect(mass).toMatchObject({ MsgID: '1000001625', Status: 'err(30003)', TotalCount: 0 });
    const copyright = asArray(mass.CopyrightCheckResult?.ResultList);
    expect(copyright).toHaveLength(1);
    const items = asArray((copyright[0] as { item?: unknown[] }).item);
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({ ArticleIdx: 2, OriginalArticleUrl: 'Url_2', CanReprint: 1 });
    expect(mass.ArticleUrlResult).toMatchObject({ Count: 1, ResultList: { item: { ArticleIdx: 1, ArticleUrl: 'Url' } } });

    expect(byFile('wechatpy-test_events__test_scan_code_push_event')).toMatchObject({ ScanCodeInfo: { ScanType: 'qrcode', ScanResult: '1' } });
    expect(byFile('wechatpy-test_events__test_location_select_event')).toMatchObject({
      SendLocationInfo: { Location_X: 23, Location_Y: 113, Scale: 15, Poiname: '' },
    });
    const pics = byFile('wxjava-WxCpXmlMessageTest__testSendPicsInfo');
    if (pics.kind !== 'event.pic_weixin') throw new Error('wrong kind');
    expect(asArray(pics.SendPicsInfo?.PicList)).toHaveLength(2);
    expect(pics.AgentID).toBe(1000004);
  });

  it('subscribe message events in XML and JSON', () => {
    const popup = byFile('wxjava-WxMpXmlMessageTest__testSubMsgPopupFromXml');
    if (popup.kind !== 'event.subscribe_msg_popup_event') throw new Error('wrong kind');
    expect(asArray(popup.SubscribeMsgPopupEvent?.List).map((i) => i.PopupScene)).toEqual([2, 2]);
    const popupJson = byFile('testSubscribeMsgPopupEvent_json');
    if (popupJson.kind !== 'event.subscribe_msg_popup_event') throw new Error('wrong kind');
    expect(popupJson.CreateTime).toBe(1610969440);
    expect(asArray(popupJson.List)[0]).toEqual({
      TemplateId: 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc',
      SubscribeStatusString: 'accept',
      PopupScene: 0,
    });
    const sent = byFile('wxjava-WxMaMessageTest__testSubscribeMsgSentEvent.xml');
    if (sent.kind !== 'event.subscribe_msg_sent_event') throw new Error('wrong kind');
    expect(asArray(sent.SubscribeMsgSentEvent?.List)[0]).toMatchObject({ MsgID: '1864323726461255680', ErrorCode: 0 });
  });

  it('third-party platform pushes', () => {
    expect(byFile('official_component_verify_ticket')).toMatchObject({
      kind: 'info.component_verify_ticket',
      AppId: 'some_appid',
      ComponentVerifyTicket: 'some_verify_ticket',
      CreateTime: 1413192605,
    });
    // The doc sample puts a placeholder in a numeric field: the text is kept, not turned into NaN.
    expect(byFile('component/official_authorized.xml')).toMatchObject({ kind: 'info.authorized', AuthorizationCodeExpiredTime: '过期时间' });
    expect(byFile('real_notify_third_fasteregister_redacted')).toMatchObject({
      kind: 'info.notify_third_fasteregister',
      status: 0,
      info: { code_type: 1, name: 'xxx' },
    });
  });
});
