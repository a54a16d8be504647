import { describeProjectState } from './project-state';

describe(describeProjectState.name, () => {
  it.each([
    ['IDLE', 'Idle', 'idle'],
    ['DESIGNING_PHASE', 'Designing', 'busy'],
    ['IMPLEMENTING_PHASE', 'Writing code', 'busy'],
    ['INSTALLING_DEPS', 'Installing', 'busy'],
    ['STARTING_SERVER', 'Starting', 'busy'],
    ['CHECKING', 'Checking', 'busy'],
    ['FIXING', 'Fixing', 'busy'],
    ['COMPLETE', 'Ready', 'ready'],
    ['stopped', 'Stopped', 'stopped'],
    ['failed', 'Failed', 'failed'],
    ['writing-code', 'Writing code', 'busy'],
  ])('reads %s as "%s"', (state, label, tone) => {
    expect(describeProjectState(state)).toEqual({ label, tone });
  });

  it('shows a state it does not know by its own name', () => {
    expect(describeProjectState('WAITING_FOR_REVIEW')).toEqual({
      label: 'Waiting for review',
      tone: 'idle',
    });
    expect(describeProjectState('  ')).toEqual({ label: 'Unknown', tone: 'idle' });
  });
});
