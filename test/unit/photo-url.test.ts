import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { downloadName, servedAs } from '../../server/shared/files.ts';
import { httpsHost, isPhotoAddress, isPlatformPhoto } from '../../server/shared/photo-url.ts';

describe('photo addresses', () => {
  it('know the platform’s own uploads by their exact shape', () => {
    expect(isPlatformPhoto('/api/v1/instrument-photos/12-0123456789abcdef.webp')).toBe(true);
    for (const url of [
      '/api/v1/instrument-photos/12-0123456789abcdef.svg',
      '/api/v1/instrument-photos/../../files/reports/1-0123456789abcdef.pdf',
      '/api/v1/instrument-photos/0-0123456789abcdef.png',
      'https://evil.example/api/v1/instrument-photos/12-0123456789abcdef.png',
    ]) {
      expect(isPlatformPhoto(url), url).toBe(false);
    }
  });

  it('take the host of https:// addresses only, without credentials', () => {
    expect(httpsHost('https://Images.Example.cn/a.png')).toBe('images.example.cn');
    expect(httpsHost('http://images.example.cn/a.png')).toBeNull();
    expect(httpsHost('https://u:p@images.example.cn/a.png')).toBeNull();
    expect(httpsHost('javascript:alert(1)')).toBeNull();
    expect(httpsHost('//images.example.cn/a.png')).toBeNull();
    expect(isPhotoAddress('data:image/png;base64,AAAA')).toBe(false);
  });

  it('come from PHOTO_HOSTS, a comma-separated list of hostnames (none by default)', () => {
    expect(loadConfig({}).PHOTO_HOSTS).toEqual([]);
    expect(loadConfig({ PHOTO_HOSTS: ' Img.Example.cn, cdn.sd.gov.cn ,' }).PHOTO_HOSTS).toEqual([
      'img.example.cn',
      'cdn.sd.gov.cn',
    ]);
    expect(() => loadConfig({ PHOTO_HOSTS: 'https://img.example.cn' })).toThrow(/PHOTO_HOSTS/);
  });
});

describe('download names', () => {
  it('end in an extension that fits what the file is', () => {
    const pdf = 'application/pdf';
    expect(downloadName('检测报告.pdf', pdf)).toBe('检测报告.pdf');
    expect(downloadName('report.html', pdf)).toBe('report.html.pdf');
    expect(downloadName('photo.JPEG', 'image/jpeg')).toBe('photo.JPEG');
    expect(downloadName('../../etc/passwd', 'application/zip')).toBe('.._.._etc_passwd.zip');
    expect(downloadName('a\r\nb.xls', 'application/vnd.ms-excel')).toBe('a__b.xls');
    expect(downloadName('a.doc', 'application/vnd.ms-excel')).toBe('a.doc.xls');
    expect(downloadName('', 'image/png')).toBe('file.png');
  });

  it('of files stored before sniffing go out as bytes unless their type is one the platform keeps', () => {
    expect(servedAs('r.pdf', 'application/pdf')).toEqual({ name: 'r.pdf', type: 'application/pdf' });
    expect(servedAs('r.xls', 'application/vnd.ms-excel')).toEqual({ name: 'r.xls', type: 'application/vnd.ms-excel' });
    expect(servedAs('x.html', 'text/html')).toEqual({ name: 'x.html.bin', type: 'application/octet-stream' });
    expect(servedAs('data.csv', 'text/csv; charset=utf-8')).toEqual({ name: 'data.csv', type: 'text/csv' });
    expect(servedAs('notes', 'text/plain')).toEqual({ name: 'notes.txt', type: 'text/plain' });
    expect(servedAs('evil.svg', 'image/svg+xml')).toEqual({ name: 'evil.svg.bin', type: 'application/octet-stream' });
  });
});
