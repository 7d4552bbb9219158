import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Lazy } from 'cdktf';
import { recordTokenCreationStacks } from '../lib/token-creation-stacks';
import { configWith, synthLab } from './helpers/synth';

// Creation stacks of cdktf tokens: taken only when asked for (SSM_LAB_DEBUG=1 in the app).

describe('recordTokenCreationStacks', () => {
  afterAll(() => recordTokenCreationStacks(true)); // cdktf's default, for the files after this one

  test('GIVEN recording off WHEN tokens are made THEN they carry no creation stack', () => {
    recordTokenCreationStacks(false);
    expect(Lazy.anyValue({ produce: () => 1 }).creationStack).toEqual([]);
  });

  test('GIVEN recording on (cdktf default) WHEN a token is made THEN its creation stack names this file', () => {
    recordTokenCreationStacks(true);
    const stack = Lazy.anyValue({ produce: () => 1 }).creationStack;
    expect(stack.length).toBeGreaterThan(0);
    expect(stack.join('\n')).toContain('token-creation-stacks.test.ts');
  });

  test('GIVEN recording off WHEN the whole lab is synthesized THEN every stack is byte-identical to a synth with it on', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-lab-token-stacks-'));
    recordTokenCreationStacks(true);
    const withStacks = synthLab(configWith(), path.join(scratch, 'on')).raw;
    recordTokenCreationStacks(false);
    const without = synthLab(configWith(), path.join(scratch, 'off')).raw;
    expect(Object.keys(without)).toHaveLength(7);
    expect(without).toEqual(withStacks);
  });
});
