/** fanOutObserver: every observer hears every hook, whichever of them throws. */
import { describe, expect, it } from 'vitest';
import { fanOutObserver, type ExportObserver } from '../../src/export/index.js';

describe('fanOutObserver', () => {
  it('calls the later observers when an earlier one throws, with the arguments unchanged', () => {
    const calls: unknown[][] = [];
    const thrower: ExportObserver = {
      onExported: () => {
        throw new Error('first');
      },
      onFailed: () => {
        throw new Error('first');
      },
      onRetry: () => {
        throw new Error('first');
      },
      onDropped: () => {
        throw new Error('first');
      },
      onBuffered: () => {
        throw new Error('first');
      },
    };
    const recorder: ExportObserver = {
      onExported: (...a) => calls.push(['exported', ...a]),
      onFailed: (...a) => calls.push(['failed', ...a]),
      onRetry: (...a) => calls.push(['retry', ...a]),
      onDropped: (...a) => calls.push(['dropped', ...a]),
      onBuffered: (...a) => calls.push(['buffered', ...a]),
    };
    const both = fanOutObserver(thrower, recorder);
    both.onExported!(10, 2048, 3.5);
    both.onFailed!(5, 'UNAVAILABLE', true, 1.5);
    both.onRetry!(5, 250);
    both.onDropped!(7, 'buffer_full');
    both.onBuffered!(1, 2, 3, 4);
    expect(calls).toEqual([
      ['exported', 10, 2048, 3.5],
      ['failed', 5, 'UNAVAILABLE', true, 1.5],
      ['retry', 5, 250],
      ['dropped', 7, 'buffer_full'],
      ['buffered', 1, 2, 3, 4],
    ]);
  });

  it('leaves out the hooks no observer has', () => {
    const only = fanOutObserver({ onDropped: () => undefined }, {});
    expect(only.onDropped).toBeTypeOf('function');
    expect(only.onExported).toBeUndefined();
    expect(only.onBuffered).toBeUndefined();
  });
});
