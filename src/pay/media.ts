// v3 uploads (图片上传 /v3/merchant/media/upload, 视频上传 /v3/merchant/media/video_upload, 营销图片
// /v3/marketing/favor/media/image-upload): multipart with a `meta` part holding
// `{"filename":…,"sha256":…}` and the `file` part. The request signature covers the meta JSON as
// its body (the pay_v3 signer signs the `meta` part of a multipart body).
import { createHash } from 'node:crypto';
import { WxValidationError } from '../core/errors.js';
import { readUpload } from '../protocols/encode.js';
import type { EndpointDescriptor, UploadInput } from '../core/types.js';

export const MEDIA_UPLOAD_PATHS = ['/v3/merchant/media/upload', '/v3/merchant/media/video_upload', '/v3/marketing/favor/media/image-upload'] as const;

export interface UploadMediaOptions {
  /** Default `/v3/merchant/media/upload` (images). */
  path?: string;
  /** The name WeChat sees; defaults to the upload's own. */
  filename?: string;
}

/** The descriptor and parameters of one upload: the file is read into memory (uploads are at most a few MB). */
export async function mediaUpload(
  file: UploadInput,
  options: UploadMediaOptions = {},
): Promise<{ descriptor: EndpointDescriptor; params: Record<string, unknown> }> {
  const path = options.path ?? MEDIA_UPLOAD_PATHS[0];
  if (typeof path !== 'string' || !path.startsWith('/v3/')) throw new WxValidationError('request', ['path: expected a /v3/ upload path'], 'Pay.uploadMedia');
  const read = await readUpload(file);
  const bytes = await bytesOf(read);
  const filename = options.filename ?? (read instanceof Blob ? (read as File).name : read.filename);
  if (typeof filename !== 'string' || !filename)
    throw new WxValidationError('request', ['filename: required (WeChat checks the extension)'], 'Pay.uploadMedia');
  const contentType = read instanceof Blob ? read.type || undefined : read.contentType;
  const meta = JSON.stringify({ filename, sha256: createHash('sha256').update(bytes).digest('hex') });
  return {
    descriptor: {
      id: 'Pay.uploadMedia',
      method: 'POST',
      host: 'api.mch.weixin.qq.com',
      path,
      auth: 'pay_v3',
      protocol: 'pay_v3',
      appTypes: ['pay'],
      // The same bytes always get the same media id, so a retry is harmless.
      idempotent: true,
      form: ['meta', 'file'],
      files: ['file'],
    },
    params: { meta, file: { data: bytes, filename, ...(contentType ? { contentType } : {}) } },
  };
}

async function bytesOf(upload: UploadInput): Promise<Uint8Array> {
  if (upload instanceof Blob) return new Uint8Array(await upload.arrayBuffer());
  const { data } = upload;
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  throw new WxValidationError('request', ['file: expected bytes, a Blob or a stream'], 'Pay.uploadMedia');
}
