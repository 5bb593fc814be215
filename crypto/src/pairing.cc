// RFC 6508 3.2 Tate-Lichtenbaum pairing for SAKKE parameter set 1.
//
// The Miller loop keeps the running point C in Jacobian coordinates (x = X/Z^2, y = Y/Z^3),
// so no step needs an inversion. Each line value is the RFC's affine line multiplied by a power
// of Z; such F_p factors vanish in PF_p = F_p^2* / F_p* (the representation Im/Re), exactly as
// the RFC's own scaling by 2Cy does.
#include <cstdlib>

#include "mcx/crypto/hash.h"
#include "sakke_params.h"

namespace mcx::crypto::sakke {

namespace {

struct Fp2 {
  FpElem re, im;
};

// (a + ib)^2 = (a+b)(a-b) + i 2ab
void Fp2Sqr(const PrimeField& f, Fp2& r, const Fp2& a) {
  FpElem s, d, t;
  f.Add(s, a.re, a.im);
  f.Sub(d, a.re, a.im);
  f.Mul(t, a.re, a.im);
  f.Mul(r.re, s, d);
  f.Dbl(r.im, t);
}

// Karatsuba: (a+ib)(c+id) = (ac - bd) + i((a+b)(c+d) - ac - bd)
void Fp2Mul(const PrimeField& f, Fp2& r, const Fp2& a, const Fp2& b) {
  FpElem ac, bd, s1, s2, m;
  f.Mul(ac, a.re, b.re);
  f.Mul(bd, a.im, b.im);
  f.Add(s1, a.re, a.im);
  f.Add(s2, b.re, b.im);
  f.Mul(m, s1, s2);
  f.Sub(r.re, ac, bd);
  f.Sub(m, m, ac);
  f.Sub(r.im, m, bd);
}

}  // namespace

ParameterSet::ParameterSet()
    : p(BigInt::FromHexConstant(
          "997ABB1F0A563FDA65C61198DAD0657A416C0CE19CB48261BE9AE358B3E01A2E"
          "F40AAB27E2FC0F1B228730D531A59CB0E791B39FF7C88A19356D27F4A666A6D0"
          "E26C6487326B4CD4512AC5CD65681CE1B6AFF4A831852A82A7CF3C521C3C09AA"
          "9F94D6AF56971F1FFCE3E82389857DB080C5DF10AC7ACE87666D807AFEA85FEB")),
      q(BigInt::FromHexConstant(
          "265EAEC7C2958FF69971846636B4195E905B0338672D20986FA6B8D62CF8068B"
          "BD02AAC9F8BF03C6C8A1CC354C69672C39E46CE7FDF222864D5B49FD2999A9B4"
          "389B1921CC9AD335144AB173595A07386DABFD2A0C614AA0A9F3CF14870F026A"
          "A7E535ABD5A5C7C7FF38FA08E2615F6C203177C42B1EB3A1D99B601EBFAA17FB")),
      fp(p),
      curve(p, BigInt::Sub(p, BigInt(3)), BigInt(0),
            BigInt::FromHexConstant(
                "53FC09EE332C29AD0A7990053ED9B52A2B1A2FD60AEC69C698B2F204B6FF7CBF"
                "B5EDB6C0F6CE2308AB10DB9030B09E1043D5F22CDB9DFA55718BD9E7406CE890"
                "9760AF765DD5BCCB337C86548B72F2E1A702C3397A60DE74A7C1514DBA66910D"
                "D5CFB4CC80728D87EE9163A5B63F73EC80EC46C4967E0979880DC8ABEAE63895"),
            BigInt::FromHexConstant(
                "0A8249063F6009F1F9F1F0533634A135D3E82016029906963D778D821E141178"
                "F5EA69F4654EC2B9E7F7F5E5F0DE55F66B598CCF9A140B2E416CFF0CA9E032B9"
                "70DAE117AD547C6CCAD696B5B7652FE0AC6F1E80164AA989492D979FC5A4D5F2"
                "13515AD7E9CB99A980BDAD5AD5BB4636ADB9B5706A67DCDE75573FD71BEF16D7"),
            q, BigInt(4)),
      g(fp.FromInt(BigInt::FromHexConstant(
          "66FC2A432B6EA392148F15867D623068C6A87BD1FB94C41E27FABE658E015A87"
          "371E94744C96FEDA449AE9563F8BC446CBFDA85D5D00EF577072DA8F541721BE"
          "EE0FAED1828EAB90B99DFB0138C7843355DF0460B4A9FD74B4F1A32BCAFA1FFA"
          "D682C033A7942BCCE3720F20B9B7B0403C8CAE87B7A0042ACDE0FAB36461EA46"))),
      n_bits(128) {}

const ParameterSet& ParameterSet::Set1() {
  static const ParameterSet ps;
  return ps;
}

BigInt HashToIntegerRange(ByteView s, const BigInt& n) {
  // RFC 6508 5.1: A = H(s); h_0 = 0^256; h_i = H(h_{i-1}); v_i = H(h_i || A); v = (v_1||..||v_l) mod n
  const Bytes a = Sha256(s);
  Bytes h(kSha256Bytes, 0);
  const int l = (n.BitLength() + 255) / 256;
  Bytes v;
  v.reserve(static_cast<size_t>(l) * kSha256Bytes);
  Sha256Hasher hasher;
  for (int i = 1; i <= l; ++i) {
    h = Sha256(h);
    Append(v, hasher.Update(h).Update(a).Final());
  }
  BigInt r = BigInt::Mod(BigInt::FromBytes(v), n);
  SecureWipe(v.data(), v.size());
  return r;
}

Result<FpElem> Pairing(const ParameterSet& ps, const EcPoint& r_pt, const EcPoint& q_pt) {
  const PrimeField& f = ps.fp;
  if (ps.curve.IsInfinity(r_pt) || ps.curve.IsInfinity(q_pt)) return Error::kPointAtInfinity;
  BigInt ax, ay;
  ps.curve.Affine(r_pt, ax, ay);
  const FpElem rx = f.FromInt(ax), ry = f.FromInt(ay);
  ps.curve.Affine(q_pt, ax, ay);
  const FpElem qx = f.FromInt(ax), qy = f.FromInt(ay);

  // C = R in Jacobian coordinates; v = 1.
  FpElem X = rx, Y = ry, Z = f.One();
  Fp2 v{f.One(), f.Zero()};
  Fp2 line, tmp;
  FpElem z2, z3, m, t1, t2, y2, s;

  const BigInt e = BigInt::Sub(ps.q, BigInt(1));
  for (int i = e.BitLength() - 2; i >= 0; --i) {
    // Doubling step: v = v^2 * l_{C,C}(psi(Q)), C = [2]C.
    // Affine line 3(Cx^2-1)(Qx+Cx) - 2Cy^2 + i 2 Cy Qy, times Z^6:
    //   re = M (Qx Z^2 + X) - 2 Y^2, im = (2 Y Z) Z^2 Qy, with M = 3(X - Z^2)(X + Z^2).
    f.Sqr(z2, Z);
    f.Sub(t1, X, z2);
    f.Add(t2, X, z2);
    f.Mul(m, t1, t2);
    f.Dbl(t1, m);
    f.Add(m, t1, m);             // M
    f.Mul(t1, qx, z2);
    f.Add(t1, t1, X);
    f.Mul(line.re, m, t1);
    f.Sqr(y2, Y);                // Y^2
    f.Dbl(t2, y2);
    f.Sub(line.re, line.re, t2);
    f.Mul(z3, Y, Z);
    f.Dbl(z3, z3);               // Z' = 2 Y Z
    f.Mul(t1, z3, z2);
    f.Mul(line.im, t1, qy);
    Fp2Sqr(f, tmp, v);
    Fp2Mul(f, v, tmp, line);
    // C = [2]C (a = -3): S = 4 X Y^2, X' = M^2 - 2S, Y' = M (S - X') - 8 Y^4.
    f.Mul(s, X, y2);
    f.Dbl(s, s);
    f.Dbl(s, s);
    f.Sqr(t1, m);
    f.Dbl(t2, s);
    f.Sub(X, t1, t2);
    f.Sub(t1, s, X);
    f.Mul(t1, m, t1);
    f.Sqr(t2, y2);
    f.Dbl(t2, t2);
    f.Dbl(t2, t2);
    f.Dbl(t2, t2);
    f.Sub(Y, t1, t2);
    Z = z3;

    if (e.Bit(i)) {
      // Addition step: v = v * l_{C,R}(psi(Q)), C = C + R (R affine).
      // Affine line (Qx+Rx) Cy - (Qx+Cx) Ry + i (Cx-Rx) Qy, times Z^3:
      //   re = Y (Qx + Rx) - Ry Z (X + Qx Z^2), im = -Qy Z H, with H = Rx Z^2 - X.
      FpElem h, rr, u1h2, h2, h3;
      f.Sqr(z2, Z);
      f.Mul(z3, z2, Z);
      f.Mul(h, rx, z2);
      f.Sub(h, h, X);              // H = Rx Z^2 - X
      f.Mul(rr, ry, z3);
      f.Sub(rr, rr, Y);            // r = Ry Z^3 - Y
      if (f.IsZero(h)) return Error::kPointAtInfinity;  // C = +-R: R is not of order q
      f.Add(t1, qx, rx);
      f.Mul(line.re, Y, t1);
      f.Mul(t1, qx, z2);
      f.Add(t1, t1, X);
      f.Mul(t1, t1, Z);
      f.Mul(t1, t1, ry);
      f.Sub(line.re, line.re, t1);
      f.Mul(t1, qy, Z);
      f.Mul(t1, t1, h);
      f.Neg(line.im, t1);
      Fp2Mul(f, tmp, v, line);
      v = tmp;
      // C = C + R: X' = r^2 - H^3 - 2 X H^2, Y' = r (X H^2 - X') - Y H^3, Z' = Z H.
      f.Sqr(h2, h);
      f.Mul(h3, h2, h);
      f.Mul(u1h2, X, h2);
      f.Sqr(t1, rr);
      f.Sub(t1, t1, h3);
      f.Dbl(t2, u1h2);
      f.Sub(t1, t1, t2);           // X'
      f.Sub(t2, u1h2, t1);
      f.Mul(t2, rr, t2);
      f.Mul(Y, Y, h3);
      f.Sub(Y, t2, Y);
      X = t1;
      f.Mul(Z, Z, h);
    }
  }
  // Final exponentiation: v^((p^2-1)/q) = (v^(p-1))^((p+1)/q); the (p-1) part is implicit in
  // the Im/Re representation and (p+1)/q = 4.
  Fp2Sqr(f, tmp, v);
  Fp2Sqr(f, v, tmp);
  if (f.IsZero(v.re)) return Error::kPointAtInfinity;
  FpElem inv, w;
  f.Inv(inv, v.re);
  f.Mul(w, v.im, inv);
  return w;
}

FpElem PfpPow(const ParameterSet& ps, const FpElem& g, const BigInt& k) {
  const PrimeField& f = ps.fp;
  // Left-to-right square and always multiply by (1 + i g): x(1+ig) = (re - g im) + i(im + g re).
  Fp2 acc{f.One(), f.Zero()}, sq, prod;
  FpElem t;
  const int bits = ps.q.BitLength();  // k < q: a fixed number of iterations for every k
  for (int i = bits - 1; i >= 0; --i) {
    Fp2Sqr(f, sq, acc);
    f.Mul(t, g, sq.im);
    f.Sub(prod.re, sq.re, t);
    f.Mul(t, g, sq.re);
    f.Add(prod.im, sq.im, t);
    acc = k.Bit(i) ? prod : sq;
  }
  FpElem inv, w;
  f.Inv(inv, acc.re);
  f.Mul(w, acc.im, inv);
  return w;
}

}  // namespace mcx::crypto::sakke
