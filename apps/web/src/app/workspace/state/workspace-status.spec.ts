import { testView as view } from '../testing/project-views';
import { isPreviewFailure } from './workspace-status';

describe(isPreviewFailure.name, () => {
  const failed = view({ error: { code: 'INTERNAL', message: 'boom', phase: 1 } });

  it('puts failures of the install and start steps in the preview', () => {
    expect(isPreviewFailure(failed, 'STARTING_SERVER')).toBe(true);
    expect(isPreviewFailure(failed, 'INSTALLING_DEPS')).toBe(true);
    expect(isPreviewFailure(view({ error: { code: 'INSTALL_FAILED', message: 'm' } }), null)).toBe(
      true,
    );
  });

  it('leaves design and code failures to the plan', () => {
    expect(isPreviewFailure(failed, 'IMPLEMENTING_PHASE')).toBe(false);
    expect(isPreviewFailure(failed, null)).toBe(false);
    expect(isPreviewFailure(view(), 'STARTING_SERVER')).toBe(false);
  });
});
