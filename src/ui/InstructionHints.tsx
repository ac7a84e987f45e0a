import { useMemo } from 'react';
import { trainedPhrasings, trainedWords, unseenWords } from '../policy/instructionHints';

/** The phrasings the loaded model was trained on, and the words of the current instruction it never saw. */
export function InstructionHints({ instruction, trained }: { instruction: string; trained: readonly string[] | undefined }) {
  const phrasings = useMemo(() => (trained ? trainedPhrasings(trained) : []), [trained]);
  const words = useMemo(() => (trained ? trainedWords(trained) : null), [trained]);
  if (!trained || !words) return <p className="message">This model does not list the instructions it was trained on.</p>;
  const unseen = unseenWords(instruction, words);
  return (
    <div className="hints">
      {unseen.length > 0 ? (
        <p className="message warn" data-testid="unseen-words">
          The model never saw {unseen.length === 1 ? 'the word' : 'the words'} {unseen.map((w) => `"${w}"`).join(', ')} in training; it may misread
          this instruction.
        </p>
      ) : (
        <p className="message" data-testid="unseen-words">
          Every word of this instruction was in the model's training instructions.
        </p>
      )}
      <details>
        <summary>Trained on {trained.length} instructions in {phrasings.length} phrasings</summary>
        <ul data-testid="trained-phrasings">
          {phrasings.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      </details>
    </div>
  );
}
