import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'jamii-config-slack-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = 'xoxb-1111-2222-abcdefghijklmnop';
const SECRET = 'f00dfacecafe0123456789abcdef0123';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('Slack configuration', () => {
  it('turns the connector on in HTTP mode with the bot token and signing secret, the desk channel on the default community', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, JAMII_SLACK_DESK_CHANNEL: 'C0JAMIIDSK', SLACK_API_URL: 'http://127.0.0.1:9/api' }, dir);
    expect(config.slack).toMatchObject({ botToken: TOKEN, signingSecret: SECRET, appToken: undefined, apiUrl: 'http://127.0.0.1:9/api/' });
    expect(config.communities[0]!.desk.slack).toBe('C0JAMIIDSK');
    expect(config.sandbox.enabled).toBe(false);
    expect(config.secrets).toEqual(expect.arrayContaining([TOKEN, SECRET]));
  });

  it('turns Socket Mode on with the app token alone (no signing secret needed)', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: TOKEN, SLACK_APP_TOKEN: 'xapp-1-A0FAKE-3333-abcdef' }, dir);
    expect(config.slack).toMatchObject({ appToken: 'xapp-1-A0FAKE-3333-abcdef', apiUrl: 'https://slack.com/api/' });
  });

  it('names each bad or missing variable with its fix', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: TOKEN }).join('\n')).toMatch(/SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN/);
    expect(problemsOf({ SLACK_SIGNING_SECRET: SECRET }).join('\n')).toMatch(/SLACK_BOT_TOKEN: required/);
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_SIGNING_SECRET: SECRET }).join('\n')).toMatch(/SLACK_BOT_TOKEN: .*xoxb-/);
    expect(problemsOf({ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, JAMII_SLACK_DESK_CHANNEL: '#desk' }).join('\n')).toMatch(/JAMII_SLACK_DESK_CHANNEL: expected a Slack channel id/);
  });
});

describe('people linked across platforms', () => {
  const file = (yaml: string) => {
    const f = path.join(dir, 'jamii.config.yaml');
    writeFileSync(f, yaml);
    return f;
  };

  it('grants a linked person their role on every platform they are linked on', () => {
    const config = loadConfig(
      {
        JAMII_CONFIG: file(['communities:', '  - id: kilimo', '    name: Kilimo', '    managers: [telegram:123]', 'people:', '  - name: Amina', '    ids: [telegram:123, discord:456, slack:U0AMINA001]'].join('\n')),
      },
      dir,
    );
    expect(config.people).toEqual([{ name: 'Amina', ids: [{ platform: 'telegram', userId: '123' }, { platform: 'discord', userId: '456' }, { platform: 'slack', userId: 'U0AMINA001' }] }]);
    expect(config.communities[0]!.managers).toEqual(
      expect.arrayContaining([
        { platform: 'telegram', userId: '123' },
        { platform: 'discord', userId: '456' },
        { platform: 'slack', userId: 'U0AMINA001' },
      ]),
    );
  });

  it('refuses an id linked to two people', () => {
    const problems = problemsOf({
      JAMII_CONFIG: file(['communities:', '  - id: kilimo', '    name: Kilimo', 'people:', '  - name: Amina', '    ids: [slack:U0AMINA001]', '  - name: Baraka', '    ids: [slack:U0AMINA001]'].join('\n')),
    });
    expect(problems.join('\n')).toMatch(/slack:U0AMINA001 is linked to both "Amina" and "Baraka"/);
  });
});
