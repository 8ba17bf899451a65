/**
 * Email's parts on their own: signed links, the templates (escaping, both parts, the 12
 * languages), the transport (a real SMTP sink, and the demo's .eml folder) and the demo wired
 * end to end through createColloquy. The notifications themselves are in contract-mail.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { parseConfig } from '../../src/server/config.js';
import { createColloquy } from '../../src/server/library.js';
import { signedLinks } from '../../src/server/integrations/mail/links.js';
import { html, raw } from '../../src/server/integrations/mail/page.js';
import { MAIL_LOCALES, mailStrings } from '../../src/server/integrations/mail/strings.js';
import { confirmationEmail, ownerEmail, replyEmail } from '../../src/server/integrations/mail/templates.js';
import { isPermanentMailError, mailTransport } from '../../src/server/integrations/mail/transport.js';
import { LOCALES } from '../../src/i18n/i18n.js';
import { SmtpSink, rawHeader } from './smtp-sink.js';

const SECRET = 's'.repeat(40);
const HOSTILE = `</p><script>alert(1)</script><img src="https://track.example/p.gif"> & "x" 'y'`;

let scratch: string;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'colloquy-mail-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('signed links', () => {
  const links = signedLinks(SECRET);
  it('open only for their purpose, unexpired, untampered, and under this secret', () => {
    const token = links.sign('confirm', { n: 'abc' }, 2000);
    assert.deepEqual(links.verify(token, 'confirm', 1999), { n: 'abc' });
    assert.equal(links.verify(token, 'confirm', 2000), undefined, 'expired');
    assert.equal(links.verify(token, 'unsubscribe', 1000), undefined, 'another purpose');
    assert.equal(signedLinks('o'.repeat(40)).verify(token, 'confirm', 1000), undefined, 'another secret');
    const [payload, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ p: 'confirm', d: { n: 'abd' }, x: 2000 })).toString('base64url');
    assert.equal(links.verify(`${forged}.${mac}`, 'confirm', 1000), undefined, 'tampered data');
    for (const bad of [undefined, 42, '', '.', `${payload}.`, `${payload}.${mac}x`, 'a'.repeat(5000), `${payload}.${'A'.repeat(22)}`]) {
      assert.equal(links.verify(bad, 'confirm', 1000), undefined, String(bad).slice(0, 20));
    }
    assert.deepEqual(links.verify(links.sign('unsubscribe', { c: 7 }, null), 'unsubscribe', 8.64e15), { c: 7 }, 'null never expires');
  });
});

describe('email templates', () => {
  it('escape every name and text in the HTML part, which loads nothing, and quote them as written in the text part', () => {
    const reply = replyEmail({
      to: 'ada@example.com',
      locale: 'en',
      site: 'blog.example',
      parentBody: HOSTILE,
      replies: [{ name: HOSTILE, body: HOSTILE }],
      more: 0,
      permalink: 'https://blog.example/ep/1#comment-2',
      preferencesUrl: 'https://c.example/api/notifications/unsubscribe?token=t&x=1',
      unsubscribeUrl: 'https://c.example/api/notifications/unsubscribe?token=t&x=1',
    });
    const owner = ownerEmail({ to: 'o@example.com', site: 's', thread: HOSTILE, name: HOSTILE, body: HOSTILE, held: true, adminUrl: 'https://c.example/admin#comment-2' });
    for (const message of [reply, owner]) {
      assert.ok(!message.html.includes('<script') && !message.html.includes('<img') && !/\ssrc="/i.test(message.html), message.html);
      assert.ok(message.html.includes('&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
      assert.ok(message.text.includes(`> ${HOSTILE}`), 'the text part quotes it as written');
    }
    assert.ok(reply.html.includes('href="https://c.example/api/notifications/unsubscribe?token=t&amp;x=1"'), 'URLs escaped as attribute values');
    assert.equal(html`${raw('<b>')}${'<b>'}${['<i>', raw('<u>')]}`.text, '<b>&lt;b&gt;&lt;i&gt;<u>');
  });

  it('have every string in each of the widget’s 12 languages, and fall back to English', () => {
    assert.deepEqual(new Set(MAIL_LOCALES), new Set(['en', ...LOCALES]));
    const english = mailStrings('en');
    for (const locale of MAIL_LOCALES) {
      const strings = mailStrings(locale);
      for (const [key, text] of Object.entries(strings)) {
        if (locale !== 'en') assert.notEqual(text, english[key as keyof typeof english], `${locale}.${key} is translated`);
        for (const placeholder of english[key as keyof typeof english].match(/\{\w+\}/g) ?? []) assert.ok(text.includes(placeholder), `${locale}.${key} keeps ${placeholder}`);
      }
    }
    assert.equal(mailStrings('pt-BR').confirmAction, 'Confirmar os avisos');
    assert.equal(mailStrings('xx').confirmAction, english.confirmAction);
    assert.equal(mailStrings(null).confirmAction, english.confirmAction);
    const message = confirmationEmail({ to: 'a@b.example', locale: 'ar', site: 's.example', confirmUrl: 'https://c.example/x', days: 3 });
    assert.match(message.html, /<html lang="ar" dir="rtl">/);
  });
});

describe('mail transport', () => {
  let sink: SmtpSink;
  before(async () => {
    sink = await SmtpSink.start();
  });
  after(async () => {
    await sink?.close();
  });

  it('sends both parts, Auto-Submitted and the one-click headers through SMTP; a 5xx is permanent, a 4xx is not', async () => {
    const transport = mailTransport({ smtpUrl: sink.url, from: 'Colloquy <c@example.com>', dir: null });
    await transport.send({ to: 'ada@example.com', subject: 'Line\r\nBcc: evil@example.com', text: 'plain', html: '<p>html</p>', unsubscribeUrl: 'https://c.example/u?t=1' });
    const [mail] = await sink.waitFor('ada@example.com');
    assert.equal(mail!.text.trim(), 'plain');
    assert.equal(mail!.html.trim(), '<p>html</p>');
    assert.equal(rawHeader(mail!, 'List-Unsubscribe'), '<https://c.example/u?t=1>');
    assert.equal(rawHeader(mail!, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
    assert.equal(rawHeader(mail!, 'Auto-Submitted'), 'auto-generated');
    assert.equal(rawHeader(mail!, 'Bcc'), undefined, 'a subject cannot add a header');
    assert.deepEqual(mail!.to, ['ada@example.com']);
    for (const [code, permanent] of [
      [550, true],
      [451, false],
    ] as const) {
      sink.refuse = 1;
      sink.refuseCode = code;
      const error = await transport.send({ to: 'ada@example.com', subject: 's', text: 't', html: 'h' }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      assert.ok(error, `${code} refused`);
      assert.equal(isPermanentMailError(error), permanent, `${code}`);
    }
    transport.close();
  });

  it('writes each message whole to a .eml file readable by its owner alone, without SMTP', async () => {
    const dir = join(scratch, 'eml');
    const transport = mailTransport({ smtpUrl: null, from: 'c@example.com', dir });
    await transport.send({ to: 'ada@example.com', subject: 'Hé', text: 'plain', html: '<p>x</p>' });
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^\d{4}-\d{2}-\d{2}T.*\.eml$/);
    assert.equal(statSync(join(dir, files[0]!)).mode & 0o777, 0o600);
    const parsed = await simpleParser(readFileSync(join(dir, files[0]!)));
    assert.equal(parsed.subject, 'Hé');
    assert.equal(parsed.text?.trim(), 'plain');
  });
});

describe('email configuration', () => {
  const base = { DATABASE_URL: 'sqlite:./data/x.db' };
  it('turns email on with COLLOQUY_SMTP_URL, which needs COLLOQUY_PUBLIC_URL, and in the demo with .eml files beside the database', () => {
    assert.equal(parseConfig(base).mail, null);
    const mail = parseConfig({ ...base, COLLOQUY_SMTP_URL: 'smtps://u:p@mail.example:465', COLLOQUY_PUBLIC_URL: 'https://c.example' }).mail!;
    assert.deepEqual(
      { ...mail },
      { smtpUrl: 'smtps://u:p@mail.example:465', from: 'Colloquy <no-reply@c.example>', dir: null, dailyCap: 20, ownerEmail: null, ownerMode: 'all', siteUrl: null, linkOrigin: 'https://c.example' },
    );
    const demo = parseConfig({ DATABASE_URL: `sqlite:${join(scratch, 'demo', 'x.db')}`, PORT: '9000' }, { demo: true }).mail!;
    assert.equal(demo.dir, join(scratch, 'demo', 'mail'));
    assert.equal(demo.linkOrigin, 'http://localhost:9000');
    assert.equal(parseConfig({ ...base, PORT: '0' }, { demo: true }).mail, null, 'no links without a known port');
  });

  it('refuses bad values, naming the variable and never echoing the SMTP password', () => {
    const bad: [Record<string, string>, string][] = [
      [{ COLLOQUY_SMTP_URL: 'smtp://u:p@mail.example' }, 'COLLOQUY_PUBLIC_URL'],
      [{ COLLOQUY_SMTP_URL: 'http://u:hunter2@mail.example' }, 'COLLOQUY_SMTP_URL'],
      [{ COLLOQUY_NOTIFY_EMAIL: 'owner@example.com' }, 'COLLOQUY_NOTIFY_EMAIL'],
      [{ COLLOQUY_NOTIFY_EMAIL: 'not an email' }, 'COLLOQUY_NOTIFY_EMAIL'],
      [{ COLLOQUY_NOTIFY_OWNER: 'some' }, 'COLLOQUY_NOTIFY_OWNER'],
      [{ COLLOQUY_NOTIFY_DAILY_CAP: '-1' }, 'COLLOQUY_NOTIFY_DAILY_CAP'],
      [{ COLLOQUY_NOTIFY_DAILY_CAP: '1000001' }, 'COLLOQUY_NOTIFY_DAILY_CAP'],
      [{ COLLOQUY_MAIL_FROM: 'Colloquy <nope>' }, 'COLLOQUY_MAIL_FROM'],
      [{ COLLOQUY_MAIL_FROM: 'a@b.example\r\nBcc: x@y.example' }, 'COLLOQUY_MAIL_FROM'],
    ];
    for (const [env, variable] of bad) {
      assert.throws(
        () => parseConfig({ ...base, ...env }),
        (error: Error & { variable?: string }) => {
          assert.equal(error.variable, variable, `${JSON.stringify(env)}: ${error.message}`);
          assert.ok(!error.message.includes('hunter2'));
          return true;
        },
      );
    }
    const good = parseConfig({ ...base, COLLOQUY_SMTP_URL: 'smtp://mail.example:587', COLLOQUY_PUBLIC_URL: 'https://c.example', COLLOQUY_MAIL_FROM: 'Comments <comments@blog.example>', COLLOQUY_NOTIFY_EMAIL: 'Owner@Blog.example', COLLOQUY_NOTIFY_OWNER: 'held', COLLOQUY_NOTIFY_DAILY_CAP: '0' }).mail!;
    assert.equal(good.from, 'Comments <comments@blog.example>');
    assert.equal(good.ownerEmail, 'owner@blog.example');
    assert.equal(good.ownerMode, 'held');
    assert.equal(good.dailyCap, 0);
  });
});

describe('the demo without SMTP', () => {
  it('writes the confirmation a post asks for as an .eml file under mail/ beside the database', async () => {
    const dir = join(scratch, 'demo-run');
    const colloquy = await createColloquy(
      { databaseUrl: `sqlite:${join(dir, 'colloquy.db')}`, port: 18787, secret: SECRET, adminToken: 't'.repeat(40) },
      { demo: true, log: { info: () => {}, error: () => {} } },
    );
    try {
      const response = await colloquy.app.request('/api/comments', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ thread: 'demo/t', parentId: null, author: { name: 'Ada', email: 'ada@example.com' }, body: 'Hello', idempotencyKey: 'k1', notify: true, locale: 'fr' }),
      });
      assert.equal(response.status, 201, await response.text());
      const folder = join(dir, 'mail');
      const deadline = Date.now() + 5000;
      let files: string[] = [];
      while (Date.now() < deadline && files.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        files = (() => {
          try {
            return readdirSync(folder).filter((name) => name.endsWith('.eml'));
          } catch {
            return [];
          }
        })();
      }
      assert.equal(files.length, 1, 'one .eml');
      const parsed = await simpleParser(readFileSync(join(folder, files[0]!)));
      assert.equal(parsed.subject, 'Confirmez que vous voulez être averti des réponses sur localhost:18787');
      assert.match(parsed.text ?? '', /http:\/\/localhost:18787\/api\/notifications\/confirm\?token=/);
    } finally {
      await colloquy.close();
    }
  });
});
