import { BEARER_SECURITY } from '../auth';
import { json, problemResponse, type OpenAPIRegistry } from '../../shared/openapi/openapi.registry';
import { z } from '../../shared/openapi/zod.openapi';
import { LIMITS } from './imports.csv';
import { PROBLEM_CONTENT_TYPE } from '../../shared/errors/problem.schema';
import { importParamsSchema, importQuerySchema, importRejectedSchema, importReportSchema } from './imports.schemas';

export function registerImportsOpenApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/api/v1/imports/{resource}',
    tags: ['imports'],
    security: BEARER_SECURITY,
    summary: 'Bulk import a registry from a CSV file: every row checked, then all written or none',
    description: [
      'The body is the CSV file (UTF-8 with or without BOM, or GB18030/GBK as Chinese Excel saves it).',
      'Headers are the schema field names or the Chinese column names of the sheet (钢印号, 制造日期, 姓名, 车牌号 ...).',
      `At most ${LIMITS.maxRows} data rows, ${LIMITS.maxBytes / 1024 / 1024} MB and ${LIMITS.maxRecordChars} characters per record.`,
      'Text cells starting with =, +, - or @ are refused (spreadsheet formula injection).',
      'Re-importing a file changes nothing: records are matched on their natural key.',
      'Sites carry a station code (站点编号) and workers a staff number (工号), each required and unique within the enterprise.',
      'A column naming another record takes its human code as well as its id: a cylinder\'s 充装站 and a worker\'s 所属站点 take the station code (e.g. S01),',
      'looked up within the row\'s enterprise (its 企业 column, else the importer\'s); an unknown code, or another enterprise\'s, is an error naming the line, the column and the value.',
      'A row for a record that exists is that record\'s PATCH: fields PATCH refuses (a cylinder\'s manufacture date or size, a site\'s kind, anything of a scrapped cylinder)',
      'may be given only with the registered value, else the row is an error naming the column and both values; an empty cell leaves the field as it is.',
    ].join(' '),
    request: {
      params: importParamsSchema,
      query: importQuerySchema,
      body: { required: true, content: { 'text/csv': { schema: z.string().openapi({ format: 'binary' }) } } },
    },
    responses: {
      200: { description: 'Imported (or, on a dry run, would import) every row', ...json(importReportSchema) },
      400: problemResponse('Empty, malformed or wrongly encoded file, or a bad query'),
      401: problemResponse('No valid access token'),
      403: problemResponse('The role may not import this registry'),
      404: problemResponse('Not an importable registry'),
      413: problemResponse('File larger than the limit or with too many rows'),
      415: problemResponse('Not a CSV body'),
      422: {
        description: 'IMPORT_REJECTED: some rows are bad; every one is listed and nothing was written',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: importRejectedSchema } },
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/imports/{resource}/template',
    tags: ['imports'],
    security: BEARER_SECURITY,
    summary: 'A CSV template of the registry: its Chinese column headers (UTF-8 with BOM, opens in Excel); filled in, it imports as it is',
    request: { params: importParamsSchema },
    responses: {
      200: { description: 'The template', content: { 'text/csv': { schema: z.string() } } },
      401: problemResponse('No valid access token'),
      403: problemResponse('The role may not import this registry'),
      404: problemResponse('Not an importable registry'),
    },
  });
}
