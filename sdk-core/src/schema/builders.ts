/**
 * The TypeBox builders the schema uses, imported by name. `Type` (TypeBox's namespace of every
 * builder) would put all of them in every page that loads the SDK; this object holds only these.
 */
import { Array, Boolean, Integer, Literal, Object, Optional, Record, String, Union, Unknown } from '@sinclair/typebox';

/** The schema's builders: `T.Integer(...)`, `T.Optional(...)`, … as with TypeBox's `Type`. */
export const T = { Array, Boolean, Integer, Literal, Object, Optional, Record, String, Union, Unknown } as const;
