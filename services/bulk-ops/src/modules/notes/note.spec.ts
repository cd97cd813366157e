import { noteTitle } from './note';

describe('noteTitle', () => {
  it.each([
    ['  Paint the stairwell ', 'Paint the stairwell'],
    ['x', 'x'],
  ])('accepts %p as %p', (input, out) => expect(noteTitle(input)).toBe(out));

  it.each([[''], ['   '], [null], [42], ['y'.repeat(201)]])('refuses %p naming input.title', (input) => {
    expect(() => noteTitle(input)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.title' }) }));
  });
});
