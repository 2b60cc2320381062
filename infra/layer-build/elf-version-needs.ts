/**
 * The symbol versions a shared object needs from the libraries it links, read from its
 * ELF `.gnu.version_r` (SHT_GNU_verneed) section: what `readelf -V` lists under "Version
 * needs". The dynamic loader refuses to load the file when a library lacks one of them
 * (`version 'GLIBCXX_3.4.30' not found`), so these are exactly what a target system must
 * provide. Pure Node, so the layer build needs no binutils.
 *
 * Layout (System V gABI and the LSB's symbol versioning spec): Elf_Verneed
 * { vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32 } chained by
 * vn_next, each with vn_cnt Elf_Vernaux { vna_hash u32, vna_flags u16, vna_other u16,
 * vna_name u32, vna_next u32 }; names are offsets into the string table named by the
 * section's sh_link. The same sizes in ELF32 and ELF64.
 */

const SHT_GNU_VERNEED = 0x6ffffffe;

export interface LibraryVersionNeeds {
  /** The library as linked, e.g. `libstdc++.so.6`. */
  file: string;
  /** Symbol versions needed from it, e.g. `GLIBCXX_3.4`, in file order. */
  versions: string[];
}

export class ElfReadError extends Error {
  override name = 'ElfReadError';
}

export function elfVersionNeeds(image: Buffer, what = 'the file'): LibraryVersionNeeds[] {
  const fail = (why: string): never => {
    throw new ElfReadError(`${what}: ${why}`);
  };
  if (image.length < 52 || image.readUInt32BE(0) !== 0x7f454c46) fail('not an ELF file (no \\x7fELF magic)');
  const elfClass = image[4];
  const data = image[5];
  if (elfClass !== 1 && elfClass !== 2) fail(`unknown ELF class ${elfClass}`);
  if (data !== 1 && data !== 2) fail(`unknown ELF data encoding ${data}`);
  const is64 = elfClass === 2;
  const le = data === 1;

  const at = (offset: number, size: 2 | 4 | 8, field: string): number => {
    if (offset < 0 || offset + size > image.length) fail(`truncated: ${field} at offset ${offset} is past the end (${image.length} bytes)`);
    if (size === 2) return le ? image.readUInt16LE(offset) : image.readUInt16BE(offset);
    if (size === 4) return le ? image.readUInt32LE(offset) : image.readUInt32BE(offset);
    const wide = le ? image.readBigUInt64LE(offset) : image.readBigUInt64BE(offset);
    if (wide > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${field} ${wide} is out of range`);
    return Number(wide);
  };
  const word = is64 ? 8 : 4;

  const shoff = at(is64 ? 0x28 : 0x20, word, 'e_shoff');
  const shentsize = at(is64 ? 0x3a : 0x2e, 2, 'e_shentsize');
  const shnum = at(is64 ? 0x3c : 0x30, 2, 'e_shnum');
  if (shoff === 0 || shnum === 0) fail('no section headers');
  if (shentsize < (is64 ? 64 : 40)) fail(`section header size ${shentsize} is too small`);

  interface Section {
    type: number;
    offset: number;
    size: number;
    link: number;
    info: number;
  }
  const section = (index: number): Section => {
    const base = shoff + index * shentsize;
    const field = (name: string) => `section ${index} ${name}`;
    return is64
      ? { type: at(base + 4, 4, field('sh_type')), offset: at(base + 0x18, 8, field('sh_offset')), size: at(base + 0x20, 8, field('sh_size')), link: at(base + 0x28, 4, field('sh_link')), info: at(base + 0x2c, 4, field('sh_info')) }
      : { type: at(base + 4, 4, field('sh_type')), offset: at(base + 0x10, 4, field('sh_offset')), size: at(base + 0x14, 4, field('sh_size')), link: at(base + 0x18, 4, field('sh_link')), info: at(base + 0x1c, 4, field('sh_info')) };
  };

  const needs: LibraryVersionNeeds[] = [];
  for (let index = 0; index < shnum; index++) {
    const verneed = section(index);
    if (verneed.type !== SHT_GNU_VERNEED) continue;
    if (verneed.link >= shnum) fail(`version needs section ${index} links to section ${verneed.link}, which does not exist`);
    const strings = section(verneed.link);
    const name = (offset: number, field: string): string => {
      const start = strings.offset + offset;
      if (offset >= strings.size || start >= image.length) fail(`${field}: string offset ${offset} is outside the string table`);
      const end = image.indexOf(0, start);
      if (end < 0 || end > strings.offset + strings.size) fail(`${field}: unterminated string at offset ${offset}`);
      return image.toString('latin1', start, end);
    };
    const end = verneed.offset + verneed.size;
    let entry = verneed.offset;
    // sh_info is the number of Elf_Verneed entries; the bound also stops a vn_next loop.
    for (let n = 0; n < verneed.info; n++) {
      if (entry + 16 > end) fail(`version need ${n} at offset ${entry} is past the end of its section`);
      const count = at(entry + 2, 2, 'vn_cnt');
      const file = name(at(entry + 4, 4, 'vn_file'), 'vn_file');
      const versions: string[] = [];
      let aux = entry + at(entry + 8, 4, 'vn_aux');
      for (let k = 0; k < count; k++) {
        if (aux + 16 > end) fail(`version need of ${file}: entry ${k} at offset ${aux} is past the end of its section`);
        versions.push(name(at(aux + 8, 4, 'vna_name'), `vna_name of ${file}`));
        const next = at(aux + 12, 4, 'vna_next');
        if (next === 0) break;
        aux += next;
      }
      needs.push({ file, versions });
      const next = at(entry + 12, 4, 'vn_next');
      if (next === 0) break;
      entry += next;
    }
  }
  return needs;
}
