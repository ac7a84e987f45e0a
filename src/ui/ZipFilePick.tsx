import type { ReactNode } from 'react';

/** A link-styled "choose a .zip" that hands over the file's bytes; the input resets so the same file can be picked again. */
export function ZipFilePick({ children, testId, onFile }: { children: ReactNode; testId: string; onFile: (bytes: Uint8Array, name: string) => void }) {
  return (
    <label className="file-pick">
      {children}
      <input
        type="file"
        accept=".zip,application/zip"
        data-testid={testId}
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void f.arrayBuffer().then((b) => onFile(new Uint8Array(b), f.name));
        }}
      />
    </label>
  );
}
