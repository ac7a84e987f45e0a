import { describe, expect, it } from 'vitest';
import { trainedPhrasings, trainedWords, unseenWords } from './instructionHints';

const trained = [
  'put the red cube in the blue bowl',
  'put the green cylinder in the red bowl',
  'put the yellow cube in the green bowl',
  'push the blue cube to the left',
  'pick up the orange cylinder',
];

describe('instruction hints', () => {
  it('collapses colours, shapes and sides into phrasings, most frequent first', () => {
    expect(trainedPhrasings(trained)).toEqual(['put the {colour} {shape} in the {colour} bowl', 'pick up the {colour} {shape}', 'push the {colour} {shape} to the {side}']);
  });

  it('names the words the model never saw, once each, in order', () => {
    const words = trainedWords(trained);
    expect(unseenWords('Put the red cube in the blue bowl', words)).toEqual([]);
    expect(unseenWords('please gently put the purple cube in the bowl please', words)).toEqual(['please', 'gently', 'purple']);
  });
});
