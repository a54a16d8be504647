import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { AuthError, AuthErrorCode } from './auth-error';
import { AUTH_ENDPOINTS, AuthService } from './auth.service';
import { sessionAnswer } from './testing/session-answer';

const ADA = { id: 'u1', email: 'ada@example.com', name: 'Ada' };

/** Lets the service's awaited HTTP calls reach the testing backend before the test answers them. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe(AuthService.name, () => {
  let auth: AuthService;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    auth = TestBed.inject(AuthService);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  describe('ensureSession', () => {
    it('sets the current user from the session', async () => {
      const session = auth.ensureSession();
      expect(auth.loading()).toBe(true);
      http.expectOne({ method: 'GET', url: AUTH_ENDPOINTS.session }).flush(sessionAnswer(ADA));

      await expect(session).resolves.toEqual(ADA);
      expect(auth.currentUser()).toEqual(ADA);
      expect(auth.isSignedIn()).toBe(true);
      expect(auth.loading()).toBe(false);
    });

    it('reads a null session as signed out', async () => {
      const session = auth.ensureSession();
      http.expectOne(AUTH_ENDPOINTS.session).flush(null);

      await expect(session).resolves.toBeNull();
      expect(auth.currentUser()).toBeNull();
    });

    it('reads a 401 as signed out', async () => {
      const session = auth.ensureSession();
      http
        .expectOne(AUTH_ENDPOINTS.session)
        .flush({ message: 'Unauthorized' }, { status: 401, statusText: 'Unauthorized' });

      await expect(session).resolves.toBeNull();
      expect(auth.currentUser()).toBeNull();
    });

    it('asks the server once for any number of callers', async () => {
      const first = auth.ensureSession();
      const second = auth.ensureSession();
      http.expectOne(AUTH_ENDPOINTS.session).flush(sessionAnswer(ADA));

      await expect(Promise.all([first, second])).resolves.toEqual([ADA, ADA]);
      await expect(auth.ensureSession()).resolves.toEqual(ADA);
    });

    it('asks again after a failure that was not an answer', async () => {
      const failed = auth.ensureSession();
      http.expectOne(AUTH_ENDPOINTS.session).error(new ProgressEvent('error'));
      await expect(failed).rejects.toMatchObject({ code: AuthErrorCode.Network });

      const retried = auth.ensureSession();
      http.expectOne(AUTH_ENDPOINTS.session).flush(sessionAnswer(ADA));
      await expect(retried).resolves.toEqual(ADA);
    });

    it('refuses a session answer without the user fields', async () => {
      const session = auth.ensureSession();
      http.expectOne(AUTH_ENDPOINTS.session).flush(sessionAnswer({ id: 'u1' }));

      await expect(session).rejects.toMatchObject({ code: AuthErrorCode.BadResponse });
    });
  });

  describe('signIn', () => {
    it('posts the credentials, then reads the session', async () => {
      const signedIn = auth.signIn({ email: ADA.email, password: 'correct horse' });
      const request = http.expectOne({ method: 'POST', url: AUTH_ENDPOINTS.signIn });
      expect(request.request.body).toEqual({ email: ADA.email, password: 'correct horse' });
      request.flush({ token: 'opaque', user: { ...ADA, emailVerified: false } });
      await settle();
      http.expectOne({ method: 'GET', url: AUTH_ENDPOINTS.session }).flush(sessionAnswer(ADA));

      await expect(signedIn).resolves.toEqual(ADA);
      expect(auth.currentUser()).toEqual(ADA);
      // The session is known now, so guards do not ask again.
      await expect(auth.ensureSession()).resolves.toEqual(ADA);
    });

    it('says "wrong email or password" on a 401', async () => {
      const signedIn = auth.signIn({ email: ADA.email, password: 'wrong' });
      http
        .expectOne(AUTH_ENDPOINTS.signIn)
        .flush(
          { code: 'INVALID_EMAIL_OR_PASSWORD', message: 'Invalid email or password' },
          { status: 401, statusText: 'Unauthorized' },
        );

      const error = await signedIn.catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({
        code: AuthErrorCode.InvalidCredentials,
        message: 'Wrong email or password.',
      });
      expect(auth.currentUser()).toBeNull();
    });

    it('asks the user to wait on a 429', async () => {
      const signedIn = auth.signIn({ email: ADA.email, password: 'again' });
      http
        .expectOne(AUTH_ENDPOINTS.signIn)
        .flush(
          { message: 'Too many requests. Please try again later.' },
          { status: 429, statusText: 'Too Many Requests' },
        );

      await expect(signedIn).rejects.toMatchObject({
        code: AuthErrorCode.RateLimited,
        message: 'Too many attempts, wait a minute.',
      });
    });

    it('names a session cookie the browser did not keep', async () => {
      const signedIn = auth.signIn({ email: ADA.email, password: 'correct horse' });
      http.expectOne(AUTH_ENDPOINTS.signIn).flush({ user: ADA });
      await settle();
      http.expectOne(AUTH_ENDPOINTS.session).flush(null);

      await expect(signedIn).rejects.toMatchObject({ code: AuthErrorCode.SessionNotStored });
    });
  });

  describe('signUp', () => {
    it('posts name, email and password', async () => {
      const signedUp = auth.signUp({ name: 'Ada', email: ADA.email, password: 'long enough' });
      const request = http.expectOne({ method: 'POST', url: AUTH_ENDPOINTS.signUp });
      expect(request.request.body).toEqual({
        name: 'Ada',
        email: ADA.email,
        password: 'long enough',
      });
      request.flush({ token: 'opaque', user: ADA });
      await settle();
      http.expectOne(AUTH_ENDPOINTS.session).flush(sessionAnswer(ADA));

      await expect(signedUp).resolves.toEqual(ADA);
    });

    it('says when the email is taken', async () => {
      const signedUp = auth.signUp({ name: 'Ada', email: ADA.email, password: 'long enough' });
      http
        .expectOne(AUTH_ENDPOINTS.signUp)
        .flush(
          { code: 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL', message: 'User already exists.' },
          { status: 422, statusText: 'Unprocessable Entity' },
        );

      await expect(signedUp).rejects.toMatchObject({ code: AuthErrorCode.EmailTaken });
    });

    it("passes on better-auth's message for a bad field", async () => {
      const signedUp = auth.signUp({ name: 'Ada', email: ADA.email, password: 'short' });
      http
        .expectOne(AUTH_ENDPOINTS.signUp)
        .flush(
          { code: 'PASSWORD_TOO_SHORT', message: 'Password too short' },
          { status: 400, statusText: 'Bad Request' },
        );

      await expect(signedUp).rejects.toMatchObject({
        code: AuthErrorCode.InvalidInput,
        message: 'Password too short',
      });
    });
  });

  describe('signOut', () => {
    it('ends the session on the server and forgets the user', async () => {
      const session = auth.ensureSession();
      http.expectOne(AUTH_ENDPOINTS.session).flush(sessionAnswer(ADA));
      await session;

      const signedOut = auth.signOut();
      http.expectOne({ method: 'POST', url: AUTH_ENDPOINTS.signOut }).flush({ success: true });
      await signedOut;

      expect(auth.currentUser()).toBeNull();
      await expect(auth.ensureSession()).resolves.toBeNull();
    });

    it('keeps the user when the server could not be reached', async () => {
      const session = auth.ensureSession();
      http.expectOne(AUTH_ENDPOINTS.session).flush(sessionAnswer(ADA));
      await session;

      const signedOut = auth.signOut();
      http.expectOne(AUTH_ENDPOINTS.signOut).error(new ProgressEvent('error'));

      await expect(signedOut).rejects.toMatchObject({ code: AuthErrorCode.Network });
      expect(auth.currentUser()).toEqual(ADA);
    });
  });
});
