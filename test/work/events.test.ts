// WeCom app events that used to arrive as kind 'unknown': template cards and their menus, task
// cards, app-admin changes, livings, the open approval engine, the workbench mode; and the ones
// already typed (batch_job_result, enter_agent, LOCATION, click / view menus) checked against the
// samples of the official docs (developer.work.weixin.qq.com) and, where the folder exists, the
// reference XML in ../shared/reference/xml/work.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/callbacks/message.js';
import type { WxMessage } from '../../src/callbacks/message-types.js';
import { describeReference, readReference, REFERENCE_DIR } from '../reference.js';

const event = (name: string, fields: string) =>
  `<xml><ToUserName><![CDATA[wwcorp0000000001]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1575526498</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${name}]]></Event>${fields}<AgentID>1000002</AgentID></xml>`;

function expectKind<K extends WxMessage['kind']>(message: WxMessage, kind: K): Extract<WxMessage, { kind: K }> {
  expect(message.kind).toBe(kind);
  return message as Extract<WxMessage, { kind: K }>;
}

describe('WeCom events, typed', () => {
  it('template_card_event: the button, the task, the card type, the response code and the selections', () => {
    const m = expectKind(
      parseMessage(
        event(
          'template_card_event',
          '<EventKey><![CDATA[button_key_1]]></EventKey><TaskId><![CDATA[task_id]]></TaskId><CardType><![CDATA[vote_interaction]]></CardType><ResponseCode><![CDATA[ResponseCode]]></ResponseCode>' +
            '<SelectedItems><SelectedItem><QuestionKey><![CDATA[QuestionKey1]]></QuestionKey><OptionIds><OptionId><![CDATA[OptionId1]]></OptionId><OptionId><![CDATA[OptionId2]]></OptionId></OptionIds></SelectedItem></SelectedItems>',
        ),
      ),
      'event.template_card_event',
    );
    expect(m).toMatchObject({ EventKey: 'button_key_1', TaskId: 'task_id', CardType: 'vote_interaction', ResponseCode: 'ResponseCode', AgentID: 1000002 });
    const item = m.SelectedItems?.SelectedItem;
    expect(Array.isArray(item) ? item[0]?.QuestionKey : item?.QuestionKey).toBe('QuestionKey1');
  });

  it('template_card_menu_event and taskcard_click', () => {
    const menu = expectKind(
      parseMessage(
        event(
          'template_card_menu_event',
          '<EventKey><![CDATA[menu_key]]></EventKey><TaskId><![CDATA[task_id]]></TaskId><CardType><![CDATA[text_notice]]></CardType><ResponseCode><![CDATA[RC]]></ResponseCode>',
        ),
      ),
      'event.template_card_menu_event',
    );
    expect(menu).toMatchObject({ EventKey: 'menu_key', TaskId: 'task_id', CardType: 'text_notice' });
    const task = expectKind(
      parseMessage(event('taskcard_click', '<EventKey><![CDATA[key111]]></EventKey><TaskId><![CDATA[taskid111]]></TaskId>')),
      'event.taskcard_click',
    );
    expect(task.TaskId).toBe('taskid111');
    // A card event without its task is not the typed variant.
    expect(parseMessage(event('template_card_event', '<EventKey><![CDATA[k]]></EventKey>')).kind).toBe('unknown');
  });

  it('change_app_admin, living_status_change, switch_workbench_mode', () => {
    const admin = expectKind(parseMessage(event('change_app_admin', '')), 'event.change_app_admin');
    expect(admin.AgentID).toBe(1000002);
    const living = expectKind(
      parseMessage(event('living_status_change', '<LivingId><![CDATA[lvOQpQDgAAD3kU]]></LivingId><Status>1</Status>')),
      'event.living_status_change',
    );
    expect(living.LivingId).toBe('lvOQpQDgAAD3kU');
    expect(String(living.Status)).toBe('1');
    const mode = expectKind(parseMessage(event('switch_workbench_mode', '<Mode>1</Mode>')), 'event.switch_workbench_mode');
    expect(mode.Mode).toBe(1);
    expect(parseMessage(event('switch_workbench_mode', '<Mode>custom</Mode>')).kind).toBe('unknown');
  });

  it('open_approval_change carries the approval', () => {
    const m = expectKind(
      parseMessage(
        event(
          'open_approval_change',
          '<ApprovalInfo><ThirdNo><![CDATA[201806010001]]></ThirdNo><OpenSpName><![CDATA[付款]]></OpenSpName><OpenTemplateId><![CDATA[1234567890]]></OpenTemplateId><OpenSpStatus>1</OpenSpStatus><ApplyUserId><![CDATA[1]]></ApplyUserId></ApprovalInfo>',
        ),
      ),
      'event.open_approval_change',
    );
    expect(m.ApprovalInfo).toMatchObject({ ThirdNo: '201806010001', OpenSpName: '付款' });
  });

  it('the ones typed before: batch_job_result, enter_agent, LOCATION, click / view menus', () => {
    const job = expectKind(
      parseMessage(
        event(
          'batch_job_result',
          '<BatchJob><JobId><![CDATA[S0MrnndvRG5fadSlLwiBqiDDbM143UqTmKP3152FZk4]]></JobId><JobType><![CDATA[sync_user]]></JobType><ErrCode>0</ErrCode><ErrMsg><![CDATA[ok]]></ErrMsg></BatchJob>',
        ),
      ),
      'event.batch_job_result',
    );
    expect(job.BatchJob).toMatchObject({ JobType: 'sync_user', ErrCode: 0 });
    expect(expectKind(parseMessage(event('enter_agent', '<EventKey><![CDATA[]]></EventKey>')), 'event.enter_agent').AgentID).toBe(1000002);
    const where = expectKind(
      parseMessage(event('LOCATION', '<Latitude>23.104</Latitude><Longitude>113.320</Longitude><Precision>65.000</Precision>')),
      'event.LOCATION',
    );
    expect(where.Latitude).toBe(23.104);
    expect(expectKind(parseMessage(event('click', '<EventKey><![CDATA[V1001_TODAY]]></EventKey>')), 'event.click').EventKey).toBe('V1001_TODAY');
    expect(expectKind(parseMessage(event('view', '<EventKey><![CDATA[https://example.com]]></EventKey>')), 'event.view').EventKey).toBe('https://example.com');
  });
});

describeReference('WeCom reference XML (../shared/reference/xml/work)', () => {
  const dir = join(REFERENCE_DIR, 'xml', 'work');
  const files = readdirSync(dir).filter((f) => f.endsWith('.xml'));
  const EXPECTED: Record<string, string> = {
    'wechatpy-test_work_parser__test_export_1.xml': 'event.batch_job_result',
    'wxjava-WxCpTpXmlMessageTest__enterAppTest.xml': 'event.enter_agent',
    'wxjava-WxCpXmlMessageTest__testTaskCardEvent.xml': 'event.taskcard_click',
    'wxjava-WxCpTpXmlMessageTest__ApprovalInfoTest.xml': 'event.open_approval_change',
    'wechatpy-test_work_parser__test_parse_location_event.xml': 'event.LOCATION',
    'wechatpy-test_work_parser__test_parse_click_event.xml': 'event.CLICK',
    'wechatpy-test_work_parser__test_parse_view_event.xml': 'event.VIEW',
  };

  it('has the samples this suite names', () => {
    for (const name of Object.keys(EXPECTED)) expect(files).toContain(name);
  });

  for (const [name, kind] of Object.entries(EXPECTED)) {
    it(`${name} → ${kind}`, () => {
      expect(parseMessage(readReference(`xml/work/${name}`)).kind).toBe(kind);
    });
  }

  it('every batch_job_result sample is typed', () => {
    const jobs = files.filter((f) => readReference(`xml/work/${f}`).includes('batch_job_result'));
    expect(jobs.length).toBeGreaterThan(0);
    for (const f of jobs) expect(parseMessage(readReference(`xml/work/${f}`)).kind, f).toBe('event.batch_job_result');
  });
});
