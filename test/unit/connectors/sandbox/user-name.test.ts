import { describe, expect, it } from 'vitest';
import { reservedNameProblem } from '../../../../src/connectors/sandbox/user-name.js';

const NOBODY = new Set<string>();

describe('reserved sandbox names', () => {
  it.each([
    ['J\u0430mii', 'a Cyrillic а'],
    ['\u0408\u0430\u043C\u0456\u0456', 'Cyrillic letters only'],
    ['JAMI\u0406', 'a capital Cyrillic І'],
    ['J\u03B1mii', 'a Greek α'],
    ['Ｊａｍｉｉ', 'full-width letters'],
    ['𝐉𝐚𝐦𝐢𝐢', 'mathematical bold letters'],
    ['Jam\u00EFi', 'a diaeresis'],
    ['Ja\u0301mii', 'a combining accent'],
    ['J\u04D3mii', 'a Cyrillic ӓ'],
  ])('refuses %j (%s) as passing for the bot', (name) => {
    expect(reservedNameProblem(name, NOBODY)).toBe(`"${name}" would pass for Jamii, the bot; choose another name`);
  });

  it.each(['m\u0430nager', '\u0430dmin', 'ＭＯＤＥＲＡＴＯＲ'])('refuses the staff name %j spelt with look-alike letters', (name) => {
    expect(reservedNameProblem(name, NOBODY)).toMatch(/is reserved for the community's managers/);
  });

  it.each(['Мария', 'Jamila', 'Amanda Manager-Smith', 'Jаck'])('lets a member go by %j', (name) => {
    expect(reservedNameProblem(name, NOBODY)).toBeNull();
  });
});
