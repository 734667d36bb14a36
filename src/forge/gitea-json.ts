// Reads Gitea answers through the field names of the gitea-js types, so a misspelt or
// non-existent field fails to compile; every value is still checked at run time.
import { arr, obj, optNum, optStr, reqStr, type Json } from '../util/shape.js';

export interface GiteaJson<T> {
  readonly raw: Json;
  str(key: keyof T & string): string;
  optStr(key: keyof T & string): string | null;
  optNum(key: keyof T & string): number | null;
  obj<U>(key: keyof T & string, what: string): GiteaJson<U>;
}

export function giteaJson<T>(value: unknown, what: string): GiteaJson<T> {
  const o = obj(value, what);
  return {
    raw: o,
    str: (key) => reqStr(o, key, what),
    optStr: (key) => optStr(o, key),
    optNum: (key) => optNum(o, key),
    obj: <U>(key: keyof T & string, inner: string) => giteaJson<U>(o[key], inner),
  };
}

export function giteaList<T>(value: unknown, what: string): Array<GiteaJson<T>> {
  return arr(value, what).map((item) => giteaJson<T>(item, what));
}
