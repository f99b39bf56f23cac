import { mkdtempSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { searchTerms } from '../../src/core/knowledge/search-terms.js';
import type { Store } from '../../src/core/ports.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createStore } from '../../src/db/store.js';
import { createKnowledgeIndexer, type KnowledgeIndexer } from '../../src/knowledge/knowledge-indexer.js';
import { DATABASES } from '../support/databases.js';
import { dropPostgresDatabase, freshPostgresUrl, pgliteTemplate } from '../support/harness.js';

const log = pino({ level: 'silent' });

const FILES: Record<string, string> = {
  'faq.md': `# Duka FAQ

## How long does delivery take?
Orders inside Nairobi arrive in 1-2 working days; the rest of Kenya in 3-5 days.

## Can I return an item?
Yes: unused items can be returned within 30 days from the app, under Orders › Return.
`,
  'faq.ru.md': `## Сколько идёт доставка?
По Москве доставка занимает 1-2 дня, по России — до недели.

## Как вернуть товар?
Неиспользованный товар можно вернуть в течение 30 дней через приложение.
`,
  'faq.sw.md': `## Usafirishaji huchukua muda gani?
Oda za Nairobi hufika ndani ya siku 1-2 za kazi; sehemu nyingine za Kenya siku 3-5.

## Ninawezaje kurudisha bidhaa?
Bidhaa ambayo haijatumika inaweza kurudishwa ndani ya siku 30 kupitia programu.
`,
  'faq.es.md': `## ¿Cuánto tarda el envío?
Los pedidos llegan en 2-4 días hábiles a toda la península.

## ¿Puedo devolver un producto?
Sí, tienes 30 días para devolver productos sin usar desde la app.
`,
  'faq.de.md': `## Wie lange dauert die Lieferung?
Bestellungen in Nairobi kommen in 1-2 Werktagen an, im Rest Kenias in 3-5 Tagen.

## Kann ich einen Artikel zurückschicken?
Ja: unbenutzte Artikel kannst du innerhalb von 30 Tagen in der App unter Bestellungen › Rücksendung zurückschicken.
`,
  'faq.ar.md': `## كم يستغرق التوصيل؟
تصل الطلبات داخل نيروبي خلال يوم أو يومي عمل، وإلى باقي كينيا خلال 3-5 أيام.

## كيف أرجع المنتج؟
يمكن إرجاع المنتج غير المستخدم خلال 30 يومًا من التطبيق، من الطلبات › إرجاع.
`,
  'app/troubleshooting.md': `# Troubleshooting

## Login
If the app says "session expired", log out and log in again. Resetting the password is under Settings › Account.

## Payments
Card payments that fail with code 51 mean insufficient funds; M-Pesa payments confirm within 2 minutes.
`,
};

/** Deterministic bag-of-words vectors: texts sharing words point the same way. */
function fakeEmbed(texts: string[]): Promise<number[][]> {
  return Promise.resolve(
    texts.map((t) => {
      const v = new Array<number>(64).fill(0);
      for (const w of searchTerms(t)) {
        let h = 0;
        for (const ch of w) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
        v[h % 64]! += 1;
      }
      return v;
    }),
  );
}

describe.each(DATABASES)('knowledge base on %s', (kind) => {
  let db: Database;
  let store: Store;
  let dir: string;
  let indexer: KnowledgeIndexer;
  let url: string | undefined;

  beforeAll(async () => {
    url = kind === 'postgres' ? await freshPostgresUrl() : undefined;
    db = await openDatabase({
      databaseUrl: url,
      dataDir: '',
      memory: true,
      log,
      vectors: true,
      ...(kind === 'pglite' ? { pgliteLoadDataDir: await pgliteTemplate() } : {}),
    });
    store = createStore({ db, communityOf: () => 'duka', enqueuerFor: () => ({ enqueue: async () => undefined }), embeddingModel: 'fake-embed' });
    await store.communities.upsert([{ id: 'duka', name: 'Duka', language: 'en' }, { id: 'other', name: 'Other', language: 'en' }]);
  });
  afterAll(async () => {
    await db.close();
    if (url) await dropPostgresDatabase(url);
  });

  const write = (files: Record<string, string>) => {
    for (const [rel, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), content);
    }
  };
  const search = async (text: string, communityId = 'duka') => store.knowledge.search(communityId, { terms: searchTerms(text), limit: 3 });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'jamii-kb-'));
    write(FILES);
    indexer = createKnowledgeIndexer({ store, folders: [{ communityId: 'duka', dir }], log });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => undefined);

  it('indexes every file, keeping each chunk\'s source path and heading', async () => {
    const [report] = await indexer.syncAll();
    expect(report!.indexed.sort()).toEqual(Object.keys(FILES).sort());
    const [best] = await search('how long does delivery take to Mombasa');
    expect(best).toMatchObject({ source: 'faq.md', kind: 'faq', question: 'How long does delivery take?' });
    expect(best!.heading).toBe('Duka FAQ › How long does delivery take?');
    expect(best!.score).toBeGreaterThan(0.3);
  });

  it.each([
    ['en', 'my payment failed with code 51, what does it mean', 'app/troubleshooting.md', 'Troubleshooting › Payments'],
    ['ru', 'подскажите сколько дней доставка по москве', 'faq.ru.md', 'Сколько идёт доставка?'],
    ['ru', 'хочу вернуть товар, как это сделать', 'faq.ru.md', 'Как вернуть товар?'],
    ['sw', 'nataka kurudisha bidhaa niliyonunua jana', 'faq.sw.md', 'Ninawezaje kurudisha bidhaa?'],
    ['sw', 'usafirishaji wa oda yangu utachukua siku ngapi', 'faq.sw.md', 'Usafirishaji huchukua muda gani?'],
    ['es', '¿cuántos días tarda el envío de mi pedido?', 'faq.es.md', '¿Cuánto tarda el envío?'],
    ['es', 'quiero devolver unos productos', 'faq.es.md', '¿Puedo devolver un producto?'],
    ['de', 'Hallo, wie viele Tage dauert die Lieferung nach Kisumu?', 'faq.de.md', 'Wie lange dauert die Lieferung?'],
    ['de', 'ich möchte die Schuhe zurückschicken, geht das noch?', 'faq.de.md', 'Kann ich einen Artikel zurückschicken?'],
    // The article and the endings are written onto Arabic words: "منتج" finds "المنتج", "أرجعه" finds "أرجع".
    ['ar', 'عندي منتج ما ناسبني، كيف أرجعه؟', 'faq.ar.md', 'كيف أرجع المنتج؟'],
    ['ar', 'متى يوصل طلبي لمومباسا؟ كم يوم توصيل', 'faq.ar.md', 'كم يستغرق التوصيل؟'],
  ])('retrieves the right passage for a question in %s: %s', async (_lang, question, source, heading) => {
    const [best] = await search(question);
    expect(best?.source).toBe(source);
    expect(best?.heading).toBe(heading);
  });

  it('returns nothing for a message that shares no content word with the knowledge', async () => {
    expect(await search('hello everyone, good morning!')).toEqual([]);
  });

  it('keeps communities apart', async () => {
    expect(await search('how long does delivery take', 'other')).toEqual([]);
  });

  it('re-indexes a changed file and forgets a deleted one', async () => {
    write({ 'faq.md': FILES['faq.md']!.replace('1-2 working days', 'the same day if ordered before noon') });
    unlinkSync(path.join(dir, 'faq.es.md'));
    const [report] = await indexer.syncAll();
    expect(report!.indexed).toEqual(['faq.md']);
    expect(report!.removed).toEqual(['faq.es.md']);
    expect(report!.unchanged).toBe(Object.keys(FILES).length - 2);
    const [best] = await search('how long does delivery take');
    expect(best!.text).toContain('same day if ordered before noon');
    expect((await search('¿cuánto tarda el envío?')).map((p) => p.source)).not.toContain('faq.es.md');
    const [again] = await indexer.syncAll();
    expect(again!.indexed).toEqual([]);
  });

  it('learns an answer from a decision, finds it, lists it and forgets it', async () => {
    const entry = await store.knowledge.learn({ communityId: 'duka', question: 'Do you ship to Uganda?', answer: 'Yes, Kampala orders take 5-7 days.', language: 'en', draftId: 42, createdBy: 'telegram:7' });
    expect(entry).toMatchObject({ communityId: 'duka', question: 'Do you ship to Uganda?', draftId: 42, createdBy: 'telegram:7' });
    const [best] = await search('do you ship to uganda');
    expect(best).toMatchObject({ kind: 'learned', source: `learned/L${entry.id}`, question: 'Do you ship to Uganda?', text: 'Yes, Kampala orders take 5-7 days.' });
    expect((await store.knowledge.listLearned('duka', 10)).map((e) => e.id)).toEqual([entry.id]);
    expect(await store.knowledge.forget('other', { id: entry.id })).toBeNull();
    expect(await store.knowledge.forget('duka', { id: entry.id })).toMatchObject({ id: entry.id, question: 'Do you ship to Uganda?', answer: 'Yes, Kampala orders take 5-7 days.' });
    expect((await search('do you ship to uganda')).map((p) => p.kind)).not.toContain('learned');
  });

  it('gives the passages that may hold a link, files and learned answers, for judging a manager edit\'s links', async () => {
    await store.knowledge.replaceFile('other', 'links.md', 'h1', [
      { kind: 'faq', heading: null, question: 'Where is the price list?', text: 'At kahawa.example/prices.', language: 'en', position: 0 },
      { kind: 'document', heading: 'Hours', text: 'We open at 9 every day', question: null, language: 'en', position: 1 },
    ]);
    const learned = await store.knowledge.learn({ communityId: 'other', question: 'Is there an app?', answer: 'Yes: https://apps.example.org/kahawa', language: 'en', draftId: 7, createdBy: 'sandbox:manager' });

    expect(await store.knowledge.textsWithLinks('other')).toEqual(['Where is the price list?\nAt kahawa.example/prices.', 'Is there an app?\nYes: https://apps.example.org/kahawa']);
    await store.knowledge.forget('other', { id: learned.id });
    await store.knowledge.removeFiles('other', ['links.md']);
  });

  it('forgets a learned answer named by the draft an older card cited (learned/<draft id>)', async () => {
    const entry = await store.knowledge.learn({ communityId: 'duka', question: 'Is there parking?', answer: 'Yes, behind the shop.', language: 'en', draftId: 77, createdBy: 'telegram:7' });
    expect(await store.knowledge.forget('duka', { draftId: 77 })).toMatchObject({ id: entry.id, draftId: 77 });
    expect(await store.knowledge.listLearned('duka', 10)).toEqual([]);
  });

  it(kind === 'pglite' ? 'searches vectors and text together (pgvector ships with PGlite)' : 'falls back to full-text search when pgvector is not installed', async () => {
    const vectorIndexer = createKnowledgeIndexer({ store, folders: [{ communityId: 'duka', dir }], log, embeddingModel: 'fake-embed', provider: { name: 'fake', classify: () => Promise.reject(new Error('unused')), draft: () => Promise.reject(new Error('unused')), embed: fakeEmbed } });
    const embedded = await vectorIndexer.embedPending();
    const [vector] = await fakeEmbed(['payments card code 51 insufficient funds']);
    const passages = await store.knowledge.search('duka', { terms: searchTerms('card payment code 51'), vector, limit: 3 });
    expect(passages[0]?.heading).toBe('Troubleshooting › Payments');
    if (kind === 'pglite') {
      expect(db.vectors).toBe(true);
      expect(embedded).toBeGreaterThan(0);
      // A vector-only match: no word in common with the text query, found through the embedding.
      const [onlyVector] = await store.knowledge.search('duka', { terms: [], vector, limit: 1 });
      expect(onlyVector?.heading).toBe('Troubleshooting › Payments');
    } else {
      expect(embedded).toBe(0);
    }
  });

  /** Runs `check` on a fresh folder of community "other" holding `files`; then empties that community's index. */
  const withOtherFolder = async (files: Record<string, string | Buffer>, check: (dir: string) => Promise<void>) => {
    const other = mkdtempSync(path.join(tmpdir(), 'jamii-kb-other-'));
    for (const [rel, content] of Object.entries(files)) writeFileSync(path.join(other, rel), content);
    try {
      await check(other);
    } finally {
      rmSync(other, { recursive: true, force: true });
      await createKnowledgeIndexer({ store, folders: [{ communityId: 'other', dir: other }], log }).syncAll();
    }
  };

  it('indexes a UTF-16 file and a file with NUL bytes, and the files beside them', async () => {
    const files = {
      'a-notes.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Gift cards\r\nWe sell gift cards, from 500 shillings.\r\n', 'utf16le')]),
      'b-pasted.md': '## Opening hours\nWe open at 8\u0000 and close at 18.\u0000\n',
      'c-shipping.md': '## Shipping\nWe ship within 2 days.\n',
    };
    await withOtherFolder(files, async (other) => {
      const [report] = await createKnowledgeIndexer({ store, folders: [{ communityId: 'other', dir: other }], log }).syncAll();
      expect(report!.indexed).toEqual(['a-notes.txt', 'b-pasted.md', 'c-shipping.md']);
      expect(report!.skipped).toEqual([]);
      const [gift] = await search('do you sell gift cards', 'other');
      expect(gift?.source).toBe('a-notes.txt');
      expect(gift!.text).toContain('We sell gift cards, from 500 shillings.');
      const [hours] = await search('opening hours', 'other');
      expect(hours!.text).toContain('We open at 8 and close at 18.');
    });
  });

  it('skips a file it cannot store, naming it and why, and indexes the rest', async () => {
    // The store refuses one file, as Postgres refuses text it cannot hold.
    const refusing: Store = {
      ...store,
      transaction: (fn) =>
        store.transaction((tx) =>
          fn({ ...tx, knowledge: { ...tx.knowledge, replaceFile: (communityId, source, hash, chunks) => (source === 'bad.md' ? Promise.reject(new Error('invalid byte sequence')) : tx.knowledge.replaceFile(communityId, source, hash, chunks)) } }),
        ),
    };
    const warnings: unknown[] = [];
    const capture = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
    await withOtherFolder({ 'bad.md': '## Bad\nThis one the store refuses.\n', 'good.md': '## Returns\nReturns are free within 30 days.\n' }, async (other) => {
      const [report] = await createKnowledgeIndexer({ store: refusing, folders: [{ communityId: 'other', dir: other }], log: capture }).syncAll();
      expect(report!.indexed).toEqual(['good.md']);
      expect(report!.skipped).toEqual([{ path: 'bad.md', reason: 'could not be indexed: invalid byte sequence' }]);
      expect(warnings).toContainEqual(expect.objectContaining({ msg: 'knowledge.file_skipped', path: 'bad.md', communityId: 'other' }));
      expect((await search('are returns free', 'other'))[0]?.source).toBe('good.md');
    });
  });

  it('keeps syncing the other communities when one folder cannot be read', async () => {
    await withOtherFolder({ 'hours.md': '## Opening hours\nWe open at 8.\n' }, async (other) => {
      const notAFolder = path.join(other, 'hours.md');
      const dukaBefore = await store.knowledge.fileHashes('duka');
      const reports = await createKnowledgeIndexer({ store, folders: [{ communityId: 'duka', dir: notAFolder }, { communityId: 'other', dir: other }], log }).syncAll();
      expect(reports[0]!.skipped).toEqual([{ path: '.', reason: expect.stringContaining('the folder could not be synced') }]);
      expect(reports[1]!.indexed).toEqual(['hours.md']);
      // What duka had indexed stays as it was.
      expect(await store.knowledge.fileHashes('duka')).toEqual(dukaBefore);
    });
  });
});
