/**
 * The sandbox page in a real headless Chromium: a member asks in #general, a manager decides on
 * the desk, and both pages update live over server-sent events, without reloading.
 * Skipped when no Chromium is installed (CHROMIUM_PATH, default /usr/bin/chromium).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestJamii, type TestJamii } from '../support/harness.js';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CHROMIUM_START_TIMEOUT_MS = 30_000;
/** How long a refused action is given to (wrongly) produce a post before we conclude it did not. */
const QUIET_PERIOD_MS = 1_500;
const DESK_SCREENSHOT = '/tmp/sandbox-desk.png';
const REFUSAL = 'Only a manager of this community can do that.';
/** expect.poll waits 1 s by default; live updates go through the job queue, which can take longer. */
const LIVE = { timeout: 15_000 };

interface RunningChromium {
  browser: Browser;
  child: ChildProcess;
  profileDir: string;
}

/** Waits for Chromium (started with a fresh profile) to open DevTools, and attaches to it. */
async function attach(child: ChildProcess, profileDir: string): Promise<RunningChromium> {
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not open DevTools within ${CHROMIUM_START_TIMEOUT_MS} ms:\n${output}`)), CHROMIUM_START_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited with code ${code} before DevTools opened:\n${output}`));
    });
  });
  child.stderr!.resume();
  const browser = await chromium.connectOverCDP(endpoint);
  return { browser, child, profileDir };
}

/** Starts Chromium; on any failure, leaves no process or profile behind. */
async function startChromium(): Promise<RunningChromium> {
  const profileDir = mkdtempSync(path.join(tmpdir(), 'jamii-chromium-'));
  const child = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, `--user-data-dir=${profileDir}`, '--remote-debugging-port=0', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  try {
    return await attach(child, profileDir);
  } catch (error) {
    await killChromium(child);
    rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }
}

/** Chromium runs in its own process group (detached): ending the group ends its helpers too. */
async function killChromium(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return; // the group is already gone
  }
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
}

async function stopChromium(running: RunningChromium): Promise<void> {
  await running.browser.close().catch(() => undefined);
  await killChromium(running.child);
  rmSync(running.profileDir, { recursive: true, force: true });
}

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? 'sandbox page in Chromium' : `sandbox page in Chromium (skipped: no Chromium at ${CHROMIUM_PATH})`, () => {
  let jamii: TestJamii;
  let chrome: RunningChromium;
  let contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // Both start at once; whichever started is kept, so afterAll stops it even if the other failed.
    const [started, launched] = await Promise.allSettled([startTestJamii(), startChromium()]);
    if (started.status === 'fulfilled') jamii = started.value;
    if (launched.status === 'fulfilled') chrome = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
  });

  afterEach(async () => {
    for (const context of contexts) await context.close();
    contexts = [];
  });

  afterAll(async () => {
    // The browser goes first, so its event streams do not reconnect to a stopping server.
    if (chrome) await stopChromium(chrome);
    if (jamii) await jamii.stop();
  });

  /** A fresh browser profile (own localStorage) on the page, signed in as `name`, in `room`. */
  async function openAs(name: string, room: string): Promise<Page> {
    const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 860 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${jamii.url}/#${room}`);
    await page.getByTestId('name-input').fill(name);
    await expect.poll(() => page.getByTestId(`room-${room}`).getAttribute('aria-current'), LIVE).toBe('true');
    // Marks this document: if the page ever reloads, the mark is gone.
    await page.evaluate(() => {
      (globalThis as Record<string, unknown>).jamiiTestMark = true;
    });
    return page;
  }

  const notReloaded = (page: Page) => page.evaluate(() => (globalThis as Record<string, unknown>).jamiiTestMark === true);

  async function post(page: Page, text: string): Promise<string> {
    await page.getByTestId('message-input').fill(text);
    await page.getByTestId('message-input').press('Enter');
    const mine = page.locator('[data-testid="message"][data-from-bot="false"]').filter({ hasText: text });
    await mine.waitFor();
    await expect.poll(() => page.getByTestId('message-input').inputValue(), LIVE).toBe('');
    return (await mine.getAttribute('data-message-id'))!;
  }

  const cardFor = (page: Page, question: string) => page.getByTestId('card').filter({ hasText: question });

  /** `member` asks `question` in #general; the manager opens its card's edit form on the desk. */
  async function editFormFor(member: string, question: string) {
    const memberPage = await openAs(member, 'general');
    const desk = await openAs('manager', 'desk');
    const questionId = await post(memberPage, question);
    const card = cardFor(desk, question);
    await card.waitFor();
    const drafted = await card.getByTestId('card-body').innerText();
    await card.getByTestId('action-edit').click();
    return { memberPage, desk, questionId, card, drafted };
  }
  const botReplyTo = (page: Page, messageId: string) => page.locator(`[data-testid="message"][data-from-bot="true"][data-reply-to="${messageId}"]`);

  it('shows a member question on the desk live and the approved reply back in #general', async () => {
    const question = 'How do I reset my password?';
    const desk = await openAs('manager', 'desk');
    const alice = await openAs('alice', 'general');
    const questionId = await post(alice, question);

    const card = cardFor(desk, question);
    await card.waitFor();
    expect(await card.getAttribute('data-status')).toBe('pending');
    expect(await card.locator('blockquote').innerText()).toBe(question);
    const reply = await card.getByTestId('card-body').innerText();
    expect(reply.length).toBeGreaterThan(0);
    expect(await card.getByTestId('card-body-label').textContent()).toBe('Reply that would be posted');
    expect(await card.getByTestId('card-quote-label').textContent()).toBe('Member alice wrote');
    expect(await card.getByTestId('card-quote-label').getAttribute('data-quote-from-bot')).toBe('false');
    await desk.screenshot({ path: DESK_SCREENSHOT });

    await card.getByTestId('action-approve').click();
    await expect.poll(() => desk.getByTestId('notice').innerText(), LIVE).toContain('approved by manager');

    const answer = botReplyTo(alice, questionId);
    await answer.waitFor();
    expect(await answer.locator('.text').innerText()).toBe(reply);
    expect(await answer.getByTestId('reply-quote').innerText()).toContain(`alice: ${question}`);
    await expect.poll(() => card.getAttribute('data-status'), LIVE).toBe('sent');
    expect(await card.getByTestId('card-body-label').textContent()).toBe('Reply posted');
    expect(await card.getByTestId('action-approve').count()).toBe(0);
    expect(await notReloaded(alice)).toBe(true);
    expect(await notReloaded(desk)).toBe(true);

    const general = await jamii.messages('general');
    expect(general.filter((m) => m.fromBot && m.replyTo === questionId).map((m) => m.text)).toEqual([reply]);
  });

  it('refuses Approve from a non-manager and posts nothing', async () => {
    const question = 'Where can I download the invoice?';
    const bob = await openAs('bob', 'general');
    const questionId = await post(bob, question);
    const mallory = await openAs('mallory', 'desk');

    const card = cardFor(mallory, question);
    await card.waitFor();
    await card.getByTestId('action-approve').click();
    await expect.poll(() => mallory.getByTestId('notice').innerText(), LIVE).toBe(REFUSAL);

    await new Promise((resolve) => setTimeout(resolve, QUIET_PERIOD_MS));
    expect((await jamii.messages('general')).filter((m) => m.replyTo === questionId)).toEqual([]);
    expect(await card.getAttribute('data-status')).toBe('pending');
    expect(await botReplyTo(bob, questionId).count()).toBe(0);
  });

  it('posts the edited text, not the draft, when the manager edits on the desk', async () => {
    const question = 'Is there a dark mode in the app?';
    const edited = 'Yes! Open Settings → Appearance and pick "Dark".';
    const { memberPage: carol, desk, questionId, card, drafted } = await editFormFor('carol', question);
    const editor = card.getByTestId('edit-text');
    expect(await editor.inputValue()).toBe(drafted);
    await editor.fill(edited);
    await card.getByTestId('edit-submit').click();
    await expect.poll(() => desk.getByTestId('notice').innerText(), LIVE).toContain('edited and approved');

    const answer = botReplyTo(carol, questionId);
    await answer.waitFor();
    expect(await answer.locator('.text').innerText()).toBe(edited);
    await expect.poll(() => card.getAttribute('data-status'), LIVE).toBe('sent');
    const general = await jamii.messages('general');
    expect(general.filter((m) => m.replyTo === questionId).map((m) => m.text)).toEqual([edited]);
  });

  it('holds an edit that fails a check: the card keeps the answer and the held text, Post anyway posts it', async () => {
    const question = 'When does the shop open on Sunday?';
    const risky = '@everyone The shop opens at 10 on Sunday.';
    const { questionId, card } = await editFormFor('grace', question);
    // Right whether the edit is posted or held.
    expect(await card.getByTestId('edit-submit').innerText()).toBe('Save and post edit');
    await card.getByTestId('edit-text').fill(risky);
    await card.getByTestId('edit-submit').click();

    // The answer stays on the card, also once the card is redrawn with the held edit.
    await expect.poll(() => card.getByTestId('card-body').innerText(), LIVE).toBe(risky);
    const held = card.getByTestId('edit-answer');
    expect(await held.innerText()).toMatch(/^⚠️ Draft #\d+: your edit is saved but NOT posted\. It failed a check:\n• mass_mention: /);
    expect(await card.getAttribute('data-status')).toBe('pending');
    await new Promise((resolve) => setTimeout(resolve, QUIET_PERIOD_MS));
    expect((await jamii.messages('general')).filter((m) => m.replyTo === questionId)).toEqual([]);

    await card.getByTestId('action-confirm').click();
    await expect.poll(() => card.getAttribute('data-status'), LIVE).toBe('sent');
    expect(await card.getByTestId('edit-answer').count()).toBe(0);
    expect((await jamii.messages('general')).filter((m) => m.replyTo === questionId).map((m) => m.text)).toEqual([risky]);
  });

  it('rejects with a reason on the desk and posts nothing', async () => {
    const question = 'Why was my order cancelled?';
    const frank = await openAs('frank', 'general');
    const questionId = await post(frank, question);
    const desk = await openAs('manager', 'desk');

    const card = cardFor(desk, question);
    await card.waitFor();
    await card.getByTestId('action-reject').click();
    await card.getByTestId('reject-reason').fill('Handled by support by e-mail');
    await card.getByTestId('reject-submit').click();
    await expect.poll(() => desk.getByTestId('notice').innerText(), LIVE).toContain('rejected by manager');
    await expect.poll(() => card.getAttribute('data-status'), LIVE).toBe('rejected');
    expect(await card.innerText()).toContain('Handled by support by e-mail');
    expect(await card.getByTestId('card-body-label').textContent()).toBe('Rejected reply (not posted)');

    await new Promise((resolve) => setTimeout(resolve, QUIET_PERIOD_MS));
    expect((await jamii.messages('general')).filter((m) => m.replyTo === questionId)).toEqual([]);
  });

  it('answers a typed /pending on the desk with one line per draft and how to open it, not with the cards again', async () => {
    const question = 'Can I change my username?';
    const dave = await openAs('dave', 'general');
    await post(dave, question);
    const desk = await openAs('manager', 'desk');
    await cardFor(desk, question).waitFor();

    const commandId = await post(desk, '/pending');
    const answer = botReplyTo(desk, commandId).filter({ hasText: /drafts? waiting/ });
    await answer.waitFor();
    expect(await answer.first().innerText()).toContain(question);
    expect(await answer.first().innerText()).toMatch(/\/show \d+/);
    await new Promise((resolve) => setTimeout(resolve, QUIET_PERIOD_MS));
    // The draft's card is on the desk once: /pending lists it, and does not post it again.
    expect(await desk.getByTestId('card').filter({ hasText: question }).count()).toBe(1);
    expect(await botReplyTo(desk, commandId).count()).toBe(1);
  });

  it('keeps the typed text and shows the error when the server refuses a post', async () => {
    const page = await openAs('erin', 'random');
    await page.route('**/api/sandbox/messages', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'text_too_long', message: 'The text is too long for this test.' } }) })
        : route.fallback(),
    );
    const text = 'A message that must survive\na refusal';
    await page.getByTestId('message-input').fill(text);
    await page.getByTestId('send-button').click();
    await expect.poll(() => page.locator('#composer-error').innerText(), LIVE).toBe('The text is too long for this test.');
    expect(await page.getByTestId('message-input').inputValue()).toBe(text);
    expect(await page.getByTestId('message').count()).toBe(0);
  });
});
