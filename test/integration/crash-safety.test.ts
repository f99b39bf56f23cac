import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DATABASES } from '../support/databases.js';
import { dropPostgresDatabase, freshPostgresUrl, waitFor } from '../support/harness.js';
import { api, runJamiiProcess, type JamiiProcess } from '../support/process.js';

// A child process on PGlite starts slowly on a loaded 2-core CI machine: liveness limits, not timings.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

describe.each(DATABASES)('crash safety with SIGKILL on %s', (database) => {
  const running: JamiiProcess[] = [];
  const dirs: string[] = [];
  const urls: string[] = [];
  afterEach(async () => {
    for (const p of running.splice(0)) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    for (const url of urls.splice(0)) await dropPostgresDatabase(url);
  });

  const storage = async (): Promise<Record<string, string>> => {
    if (database === 'postgres') {
      const url = await freshPostgresUrl();
      urls.push(url);
      return { DATABASE_URL: url };
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'jamii-crash-'));
    dirs.push(dir);
    return { JAMII_DATA_DIR: dir };
  };
  const start = async (env: Record<string, string>) => {
    const p = await runJamiiProcess(env);
    running.push(p);
    return p;
  };
  const kill = async (p: JamiiProcess) => {
    p.child.kill('SIGKILL');
    await p.exited;
    running.splice(running.indexOf(p), 1);
  };

  it('drafts a message after a kill between ingest and draft', async () => {
    const env = await storage();
    // No job workers: the message is stored and its draft job queued, nothing more.
    const first = await start({ ...env, JAMII_JOBS: 'none' });
    const a = await api(first.url);
    const posted = await a.post('general', 'alice', 'Where can I download the invoice?');
    expect(posted.status).toBe(201);
    await kill(first);

    const second = await start(env);
    const b = await api(second.url);
    const card = await waitFor(async () => (await b.messages('desk')).find((m) => m.card)?.card, 60_000, 'card after restart');
    expect(card.quote).toBe('Where can I download the invoice?');
    expect((await b.messages('general')).map((m) => m.id)).toEqual([posted.body.id]);
  });

  it('posts an approved reply exactly once after a kill between approval and send', async () => {
    const env = await storage();
    // Drafting and cards, but no sender for replies yet: approval leaves a queued send behind.
    const first = await start({ ...env, JAMII_JOBS: 'draft,desk' });
    const a = await api(first.url);
    const posted = await a.post('general', 'alice', 'How do I change my delivery address?');
    // Cards are not sent in this life (no sender), so ask /pending until the draft shows up.
    const draftId = await waitFor(async () => {
      const asked = await a.post('desk', 'manager', '/pending');
      const answer = (await a.messages('desk')).find((m) => m.fromBot && m.replyTo === asked.body.id);
      return answer && /#(\d+) question/.exec(answer.text)?.[1];
    }, 60_000, 'pending draft');
    const approved = await a.post('desk', 'manager', `/approve ${draftId}`);
    await waitFor(async () => (await a.messages('desk')).some((m) => m.replyTo === approved.body.id && /approved/.test(m.text)), 30_000, 'approval ack');
    expect((await a.messages('general')).filter((m) => m.fromBot)).toHaveLength(0);
    await kill(first);

    const second = await start(env);
    const b = await api(second.url);
    await waitFor(async () => (await b.messages('general')).some((m) => m.fromBot), 60_000, 'reply after restart');
    // Let every queued job (cards, refresh, any retry) run before counting.
    await new Promise((r) => setTimeout(r, 1500));
    const replies = (await b.messages('general')).filter((m) => m.fromBot);
    expect(replies).toHaveLength(1);
    expect(replies[0].replyTo).toBe(posted.body.id);

    // A third life changes nothing.
    await kill(second);
    const third = await start(env);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await (await api(third.url)).messages('general')).filter((m) => m.fromBot)).toHaveLength(1);
  });
});

describe('graceful shutdown', () => {
  it('stops on SIGTERM: intake closed, work finished, database closed, exit code 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jamii-term-'));
    try {
      const p = await runJamiiProcess({ JAMII_DATA_DIR: dir });
      const a = await api(p.url);
      await a.post('general', 'alice', 'Is the store open on Sunday?');
      p.child.kill('SIGTERM');
      const exit = await p.exited;
      expect(exit.code).toBe(0);
      expect(p.output()).toContain('"jamii.stopped"');
      // Restart on the same data: the message and its draft are there.
      const again = await runJamiiProcess({ JAMII_DATA_DIR: dir });
      try {
        const b = await api(again.url);
        expect((await b.messages('general')).map((m) => m.text)).toEqual(['Is the store open on Sunday?']);
        await waitFor(async () => (await b.messages('desk')).some((m) => m.card), 60_000, 'card');
      } finally {
        again.child.kill('SIGKILL');
        await again.exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
