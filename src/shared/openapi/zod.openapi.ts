import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// `.openapi()` must exist on every zod schema before any schema module is evaluated, so schema
// files import `z` from here rather than from 'zod'.
extendZodWithOpenApi(z);

export { z };
