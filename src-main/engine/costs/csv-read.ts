// Bytes → text → records of a costs file: encoding (UTF-8 with/without BOM, Windows-1251) and
// delimiter (`;`, `,` or tab) detection, RFC 4180 records with their line numbers.

export type Encoding = 'utf-8' | 'windows-1251';
export type Delimiter = ',' | ';' | '\t';

export function decodeText(bytes: Uint8Array): { text: string; encoding: Encoding } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1251').decode(bytes), encoding: 'windows-1251' };
  }
}

/** RFC 4180 records (quoted fields, doubled quotes, CRLF or LF); returns [lineNumber, fields][]. */
export function parseCsvRecords(text: string, delimiter: string): [number, string[]][] {
  const out: [number, string[]][] = [];
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.some((f) => f.trim() !== '')) out.push([recordLine, fields]);
      fields = [];
      field = '';
      line++;
      recordLine = line;
    } else field += ch;
  }
  fields.push(field);
  if (fields.some((f) => f.trim() !== '')) out.push([recordLine, fields]);
  return out;
}

/**
 * The delimiter of the file: the one that splits the first lines into the most fields (a tab
 * wins ties, then `;` — a decimal comma inside a `;` file must not make it a comma file).
 */
export function detectDelimiter(text: string): Delimiter {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, 12);
  let best: Delimiter = ',';
  let bestScore = -1;
  for (const d of ['\t', ';', ','] as const) {
    // the widest line counts most: headers have more cells than the title lines above them
    const score = Math.max(0, ...lines.map((l) => l.split(d).length - 1));
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}
