/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import { ensureWebBuilt } from '../../device/review/web-build.js';
import { createSpeechOut, type SpeechOut } from '../../device/speech/index.js';
import { AUDIO_RATE, VirtualGlasses } from '../../hardware/glasses-link/index.js';
import type { MemoryExport } from '../../memory/types.js';
import { ManualClock, type ReviewFixture, reviewFixture, seedBbt } from './fixture.js';

/** Launch flags from MODELS.md: no network chatter, a fresh profile. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

/** Page updates wait on fetches; a loaded 2-core CI needs more than vitest's 1 s default. */
const POLL = { timeout: 20_000, interval: 100 };

describe('phone review in a real browser', () => {
  let f: ReviewFixture;
  let ids: Map<string, number>;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let url: string;
  let speech: SpeechOut;
  let glasses: VirtualGlasses;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const webDir = await ensureWebBuilt();
    // The real speech path: embedded broker on loopback, glasses link, whisper queue with Flite,
    // and glasses in software that keep the text of every stream they receive.
    const bus = new EventBus();
    const link = configSchema.parse({ mqtt: { port: 0 }, glasses: { deviceId: 'review-test' } });
    speech = createSpeechOut(link, { bus });
    for (const p of speech.parts) await p.start(new AbortController().signal);
    glasses = new VirtualGlasses({ access: { url: speech.broker?.url() as string }, deviceId: 'review-test', realtime: false });
    const online = bus.once('browser-test', 'glasses-online');
    await glasses.start();
    await online;
    f = await reviewFixture({ webDir, https: true, clock: new ManualClock(Date.now()), bus, whisper: speech.queue });
    ids = await seedBbt(f.memory, f.clock.now());
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    url = `https://127.0.0.1:${(f.app.server.address() as { port: number }).port}/`;
    profile = mkdtempSync(join(tmpdir(), 'mnemo-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: FLAGS,
      ignoreHTTPSErrors: true, // the device's self-signed certificate; the page shows its fingerprint
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      acceptDownloads: true,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    // Nothing may be fetched from anywhere but the device.
    page.on('request', (r) => {
      if (!r.url().startsWith(url)) problems.push(`off-device request: ${r.url()}`);
    });
  });

  afterAll(async () => {
    await context?.close();
    await f?.close();
    await glasses?.stop();
    for (const p of [...(speech?.parts ?? [])].reverse()) await p.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const personCard = (name: string) => page.locator('.person-card', { hasText: name });

  it('pairs with the code the glasses heard', async () => {
    await page.goto(url);
    await expect.poll(() => page.locator('h1').textContent(), POLL).toBe('Pair this phone');
    expect(await page.locator('[data-role=fingerprint]').textContent()).toBe(f.pairing.fingerprint());
    await page.screenshot({ path: join(ARTIFACTS, 'review-pair.png') });
    const heard = glasses.nextStream((s) => s.text.includes('pairing code'));
    await page.click('[data-action=request-code]');
    const stream = await heard;
    expect(stream.samples).toBeGreaterThan(AUDIO_RATE * 2); // seconds of real speech, not just a text label
    const code = stream.text.replace(/\D/g, '');
    expect(code).toMatch(/^\d{6}$/);
    await page.fill('#code', code);
    await page.fill('#phone-name', 'Test phone');
    await page.click('[data-action=pair]');
    await page.locator('[data-role=people-grid]').waitFor();
    expect(f.memory.phones.list().map((p) => p.name)).toEqual(['Test phone']);
    const cookies = await context.cookies(url);
    expect(cookies.find((c) => c.name === 'mnemo_session')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    await expect.poll(() => page.locator('.person-card').count(), POLL).toBe(8);
    // Every thumbnail loaded (the session cookie goes with image requests).
    await page.waitForFunction(() => [...document.querySelectorAll('img.avatar')].every((i) => (i as HTMLImageElement).complete));
    const broken = await page.$$eval('img.avatar', (imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth === 0).length);
    expect(broken).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'review-people-grid.png'), fullPage: true });
  });

  it('searches', async () => {
    await page.fill('[data-role=search]', 'karaoke');
    await expect.poll(() => page.locator('.person-card').count(), POLL).toBe(1);
    await personCard('Leonard').waitFor();
    await page.fill('[data-role=search]', '');
    await expect.poll(() => page.locator('.person-card').count(), POLL).toBe(8);
  });

  it('renames a person', async () => {
    await personCard('Raj').click();
    await expect.poll(() => page.locator('[data-role=person-name]').textContent(), POLL).toBe('Raj');
    await page.screenshot({ path: join(ARTIFACTS, 'review-person-page.png'), fullPage: true });
    await page.click('[data-action=rename]');
    await page.fill('dialog[open] [data-role=prompt]', 'Rajesh Koothrappali');
    await page.click('dialog[open] [data-action=confirm]');
    await expect.poll(() => page.locator('[data-role=person-name]').textContent(), POLL).toBe('Rajesh Koothrappali');
    expect(f.memory.people.get(ids.get('Raj') as number)?.name).toBe('Rajesh Koothrappali');
  });

  it('merges two people', async () => {
    await page.goto(`${url}#/person/${ids.get('Bernadette')}`);
    await expect.poll(() => page.locator('[data-role=person-name]').textContent(), POLL).toBe('Bernadette');
    await page.click('[data-action=merge]');
    await page.selectOption('dialog[open] [data-role=merge-select]', String(ids.get('Stuart')));
    await page.click('dialog[open] [data-action=confirm]');
    await page.locator('.toast', { hasText: 'Merged Stuart into Bernadette' }).waitFor();
    expect(f.memory.people.get(ids.get('Stuart') as number)).toBeUndefined();
    expect(f.memory.faces.forPerson(ids.get('Bernadette') as number)).toHaveLength(2);
    expect(f.memory.notes.forPerson(ids.get('Bernadette') as number).map((n) => n.text)).toContain('Stuart likes hiking');
  });

  it('forgets a person only after typing their name', async () => {
    const penny = ids.get('Penny') as number;
    await page.goto(`${url}#/person/${penny}`);
    await page.click('[data-action=forget]');
    const confirm = page.locator('dialog[open] [data-action=confirm]');
    expect(await confirm.isDisabled()).toBe(true);
    await page.fill('dialog[open] [data-role=type-to-confirm]', 'Pen');
    expect(await confirm.isDisabled()).toBe(true);
    await page.fill('dialog[open] [data-role=type-to-confirm]', 'Penny');
    await confirm.click();
    await page.locator('[data-role=people-grid]').waitFor();
    await expect.poll(() => personCard('Penny').count(), POLL).toBe(0);
    await expect.poll(() => page.locator('.person-card').count(), POLL).toBe(6);
    const db = f.memory.db;
    expect(db.prepare('select count(*) from people where id = ?').pluck().get(penny)).toBe(0);
    for (const t of ['face_samples', 'encounters', 'notes']) {
      expect(db.prepare(`select count(*) from ${t} where person_id = ?`).pluck().get(penny)).toBe(0);
    }
    expect(db.prepare("select count(*) from people where name like '%Penny%'").pluck().get()).toBe(0);
  });

  it('shows the settings, phones and activity', async () => {
    await page.click('nav a[href="#/settings"]');
    await page.locator('[data-role=settings-form]').waitFor();
    await expect.poll(() => page.locator('ul.phones li').count(), POLL).toBe(1);
    await expect.poll(() => page.locator('ul.audit li').count(), POLL).toBeGreaterThan(5);
    await page.fill('[data-setting=recallCooldownSeconds]', '300');
    await page.click('[data-role=settings-form] button[type=submit]');
    await page.locator('.toast', { hasText: 'Settings saved' }).waitFor();
    expect(f.config.recall.cooldownSeconds).toBe(300);
    await page.screenshot({ path: join(ARTIFACTS, 'review-settings.png'), fullPage: true });
    // The export is a real download, authorised by the HttpOnly cookie alone.
    const download = page.waitForEvent('download');
    await page.click('[data-action=export]');
    const file = await (await download).path();
    const data = JSON.parse(readFileSync(file, 'utf8')) as MemoryExport;
    expect(data.format).toBe('mnemo-memory');
    expect(data.people.map((p) => p.name).sort()).toEqual(
      f.memory.people
        .list()
        .map((p) => p.name)
        .sort(),
    );
  });

  it('explains how to meet someone when nobody is remembered', async () => {
    for (const p of f.memory.people.list()) f.memory.people.forget(p.id);
    await page.goto(`${url}#/`);
    await page.locator('[data-role=empty]').waitFor();
    expect(await page.locator('[data-role=empty]').textContent()).toContain('this is Ana');
    await page.screenshot({ path: join(ARTIFACTS, 'review-empty.png'), fullPage: true });
  });

  it('loaded nothing from outside and broke no Content-Security-Policy rule', () => {
    expect(problems).toEqual([]);
  });
});
