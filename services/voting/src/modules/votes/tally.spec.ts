import { percentToBasisPoints, tally, voterWeight, type ApprovalRule, type TallyInput } from './tally';

// Four apartments with ownership shares adding up to 1000.
const SHARES = [
  { apartmentId: 'a', weight: 400 },
  { apartmentId: 'b', weight: 300 },
  { apartmentId: 'c', weight: 200 },
  { apartmentId: 'd', weight: 100 },
];
const PER_APARTMENT = SHARES.map((s) => ({ ...s, weight: 1 }));

function buildTally(overrides: Partial<TallyInput> & { votes?: Record<string, string> } = {}) {
  const { votes = {}, ...rest } = overrides;
  return tally({
    options: ['yes', 'no'],
    voters: SHARES,
    ballots: Object.entries(votes).map(([apartmentId, choice]) => ({ apartmentId, choice })),
    quorumBasisPoints: 5000,
    approvalRule: 'simple_majority',
    ...rest,
  });
}

describe('tally: weighted ballots', () => {
  it('adds each ballot with its apartment weight, abstentions apart', () => {
    const sut = buildTally({ votes: { a: 'yes', b: 'no', c: 'abstain' } });
    expect(sut).toMatchObject({ totalWeight: 1000, castWeight: 900, abstainWeight: 200, decisiveWeight: 700, ballotsCast: 3, eligibleApartments: 4 });
    expect(sut.options).toEqual([
      { option: 'yes', weight: 400, ballots: 1 },
      { option: 'no', weight: 300, ballots: 1 },
    ]);
    expect(sut.approvalBasisPoints).toBe(5714); // 400 / 700, rounded down
  });

  it('ignores a ballot of an apartment that is not eligible and a second ballot of the same apartment', () => {
    const sut = tally({ options: ['yes', 'no'], voters: SHARES, quorumBasisPoints: 0, approvalRule: 'simple_majority', ballots: [{ apartmentId: 'a', choice: 'no' }, { apartmentId: 'a', choice: 'yes' }, { apartmentId: 'zz', choice: 'yes' }] });
    expect(sut).toMatchObject({ castWeight: 400, ballotsCast: 1, outcome: 'rejected' });
  });

  it('per apartment, a small apartment weighs as much as a large one', () => {
    expect(buildTally({ voters: PER_APARTMENT, votes: { a: 'no', b: 'yes', c: 'yes' } })).toMatchObject({ totalWeight: 4, castWeight: 3, outcome: 'approved' });
    // …while by share the large apartment's "no" (400) outweighs two small "yes" (200 + 100).
    expect(buildTally({ votes: { a: 'no', c: 'yes', d: 'yes' } })).toMatchObject({ castWeight: 700, outcome: 'rejected' });
  });
});

describe('tally: quorum (share of the total weight)', () => {
  it.each([
    // [quorum bp, ballots, met]
    [5000, { a: 'yes', d: 'yes' }, true], // 500 of 1000 = exactly 50 %
    [5001, { a: 'yes', d: 'yes' }, false],
    [5000, { a: 'abstain', d: 'abstain' }, true], // abstentions count towards the quorum
    [5000, { b: 'yes', c: 'yes' }, true],
    [5000, { c: 'yes', d: 'no' }, false],
    [0, {}, true],
    [10000, { a: 'yes', b: 'yes', c: 'yes' }, false],
  ] as const)('quorum %i bp with %j → met %s', (quorumBasisPoints, votes, met) => {
    const sut = buildTally({ quorumBasisPoints, votes: votes as Record<string, string> });
    expect(sut.quorumMet).toBe(met);
    if (!met) expect(sut.outcome).toBe('no_quorum');
  });
});

describe('tally: approval rules', () => {
  const cases: [string, ApprovalRule, Record<string, string>, 'approved' | 'rejected' | 'no_quorum'][] = [
    // simple majority: yes must outweigh no; abstentions are left out; a tie fails.
    ['majority of cast', 'simple_majority', { a: 'yes', b: 'no', c: 'no' }, 'rejected'], // 400 vs 500
    ['majority with abstentions', 'simple_majority', { a: 'yes', b: 'no', c: 'abstain', d: 'abstain' }, 'approved'], // 400 vs 300
    ['tie', 'simple_majority', { a: 'yes', b: 'no', d: 'no' }, 'rejected'], // 400 vs 400
    ['only abstentions', 'simple_majority', { a: 'abstain', b: 'abstain' }, 'rejected'],
    ['no carries it', 'simple_majority', { a: 'no', b: 'yes' }, 'rejected'],
    // two thirds of cast (yes + no)
    ['exactly two thirds of cast', 'two_thirds_cast', { b: 'yes', c: 'yes', d: 'no', a: 'abstain' }, 'approved'], // 500 of 600 ≥ 2/3
    ['below two thirds of cast', 'two_thirds_cast', { a: 'yes', b: 'no' }, 'rejected'], // 400 of 700
    ['two thirds of cast on a tie-break edge', 'two_thirds_cast', { c: 'yes', d: 'no', a: 'abstain' }, 'approved'], // 200 of 300 = 2/3 exactly
    // two thirds of total: absent and abstaining weight count against.
    ['two thirds of total with an abstention', 'two_thirds_total', { a: 'yes', b: 'yes', c: 'abstain' }, 'approved'], // 700 of 1000
    ['two thirds of total reached', 'two_thirds_total', { a: 'yes', b: 'yes', c: 'no' }, 'approved'],
    ['two thirds of total missed by absence', 'two_thirds_total', { a: 'yes', c: 'yes', d: 'abstain', b: 'abstain' }, 'rejected'], // 600 < 667
  ];

  it.each(cases)('%s (%s)', (_name, approvalRule, votes, outcome) => {
    expect(buildTally({ approvalRule, votes }).outcome).toBe(outcome);
  });

  it('an options vote is carried by the leading option under the rule, never on a tie for first place', () => {
    const options = ['option-1', 'option-2', 'option-3'];
    expect(buildTally({ options, votes: { a: 'option-1', b: 'option-2', c: 'option-3' } })).toMatchObject({ leadingOption: 'option-1', outcome: 'rejected' }); // 400 of 900: no majority
    expect(buildTally({ options, votes: { a: 'option-1', c: 'option-1', b: 'option-2' } })).toMatchObject({ leadingOption: 'option-1', outcome: 'approved', winningOption: 'option-1' });
    expect(buildTally({ options, voters: PER_APARTMENT, votes: { a: 'option-1', b: 'option-2' } })).toMatchObject({ leadingOption: null, outcome: 'rejected', winningOption: null });
  });

  it('names no winner unless approved', () => {
    expect(buildTally({ votes: { a: 'yes' }, quorumBasisPoints: 9000 })).toMatchObject({ outcome: 'no_quorum', winningOption: null, leadingOption: 'yes' });
  });
});

describe('weights and percentages', () => {
  it.each([
    ['ownership_share', 250, 250],
    ['ownership_share', null, null],
    ['ownership_share', 0, null],
    ['per_apartment', null, 1],
    ['per_apartment', 400, 1],
  ] as const)('%s with share %s weighs %s', (weighting, share, weight) => {
    expect(voterWeight(weighting, share)).toBe(weight);
  });

  it.each([
    [50, 5000],
    [66.67, 6667],
    [0, 0],
    [100, 10000],
  ])('%d %% is %d basis points', (pct, bp) => expect(percentToBasisPoints('input.quorumPercent', pct)).toBe(bp));

  it.each([[-1], [100.5], [33.333], [Number.NaN], ['50']])('refuses %p as a percentage, naming the field', (v) => {
    expect(() => percentToBasisPoints('input.quorumPercent', v)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.quorumPercent' }) }));
  });
});
