/**
 * A minimal protobuf walker: calls `onLen(field, start, end)` for each length-delimited field of
 * buf[start, end) and skips the others, without decoding anything. Count-only receivers use it to
 * keep up with 100k+ spans/s.
 */
export function protoFields(buf: Buffer, start: number, end: number, onLen: (field: number, s: number, e: number) => void): void {
  const varint = (pos: number): [number, number] => {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return [v, pos];
      mul *= 128;
    }
  };
  let pos = start;
  while (pos < end) {
    const [tag, p1] = varint(pos);
    const wire = tag & 7;
    if (wire === 0) pos = varint(p1)[1];
    else if (wire === 1) pos = p1 + 8;
    else if (wire === 5) pos = p1 + 4;
    else if (wire === 2) {
      const [len, p2] = varint(p1);
      if (p2 + len > end) throw new Error('truncated field');
      onLen(Math.floor(tag / 8), p2, p2 + len);
      pos = p2 + len;
    } else throw new Error(`bad wire type ${wire}`);
  }
}
