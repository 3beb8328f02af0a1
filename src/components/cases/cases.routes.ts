import express, { Router, type Request } from 'express';
import { principalOf } from '../auth';
import { negotiateLanguage } from '../../shared/errors/problem.localize';
import { idParams } from '../../shared/http/object-id.schema';
import type { CasesService } from './cases.service';
import { photoJsonBody, photoParams } from './cases.schemas';

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

/** HTTP only: parse, call the service, answer (the notes the system wrote in the language of Accept-Language). */
export function casesRoutes(service: CasesService, photoMaxBytes: number): Router {
  const router = Router();
  const lang = (req: Request) => negotiateLanguage(req.get('accept-language'));
  router.post('/cases', async (req, res) => {
    res.status(201).json(await service.open(principalOf(req), req.body ?? {}, lang(req)));
  });
  router.get('/cases', async (req, res) => {
    res.json(await service.list(principalOf(req), req.query, lang(req)));
  });
  router.get('/cases/:id', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    res.json(await service.get(principal, id, lang(req)));
  });
  router.post('/cases/:id/assign', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    res.json(await service.assign(principal, id, req.body ?? {}, lang(req)));
  });
  router.post('/cases/:id/rectification', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    res.json(await service.rectify(principal, id, req.body ?? {}, lang(req)));
  });
  router.post('/cases/:id/review', async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    res.json(await service.review(principal, id, req.body ?? {}, lang(req)));
  });
  // One past the limit, so that the use case answers an image too large itself (413, the limit named).
  const raw = express.raw({ type: IMAGE_TYPES, limit: photoMaxBytes + 1 });
  router.post('/cases/:id/photos', raw, async (req, res) => {
    const principal = principalOf(req);
    const { id } = idParams.parse(req.params);
    const declared = req.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (Buffer.isBuffer(req.body)) {
      res.status(201).json(await service.uploadPhoto(principal, id, declared, req.body));
      return;
    }
    const body = photoJsonBody.parse(req.body ?? {});
    res.status(201).json(await service.uploadPhoto(principal, id, body.contentType, Buffer.from(body.dataBase64, 'base64')));
  });
  router.get('/cases/:id/photos/:photoId', async (req, res) => {
    const principal = principalOf(req);
    const { id, photoId } = photoParams.parse(req.params);
    const { type, data } = await service.photo(principal, id, photoId);
    res.type(type).set('Cache-Control', 'private, max-age=3600').send(data);
  });
  return router;
}
