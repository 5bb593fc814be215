// SIP transactions (RFC 3261 17) over UDP or TCP.
//
// Non-INVITE (17.1.2, 17.2.2): the client retransmits on Timer E (T1 doubling up to T2) until a
// final response and gives up on Timer F (64 T1); the server absorbs retransmissions by resending
// its last response (Timer J, 64 T1).
//
// INVITE (17.1.1, 17.2.1, with RFC 6026's Accepted state): the client retransmits on Timer A (T1
// doubling) until a response, gives up on Timer B (64 T1) if none came and cancels at timer_c if
// only provisional ones came; it ACKs a 300-699 itself and resends that ACK for every
// retransmitted final response until Timer D (32 s); a 2xx goes to the caller, which ACKs it end
// to end (SendAck) each time it comes (Timer M, 64 T1). The server answers 100 Trying at once,
// resends its last provisional response to a retransmitted INVITE, retransmits a 300-699 on
// Timer G until the ACK (Timer H, 64 T1; then Timer I, T4) and a 2xx on the same schedule until
// the ACK of that 2xx (13.3.1.4; Timer L, 64 T1), and answers 408 itself an INVITE its user leaves
// unanswered for timer_c. CANCEL (9) ends an INVITE not yet answered finally with 487. An INVITE
// without an RFC 3261 branch (400), a merged one (482) or one over the transaction limit (503) is
// refused without state. Over TCP only a 2xx is resent (13.3.1.4), and Timers D and I are 0.
#pragma once

#include <map>
#include <optional>

#include "mcx/procedures/host.h"
#include "mcx/procedures/transport/sip_message.h"

namespace mcx::procedures {

struct SipTimers {
  double t1 = 0.5;  ///< RFC 3261 default (3GPP IMS towards the UE: 2 s)
  double t2 = 4.0;
  double t4 = 5.0;        ///< how long the network may keep a message (Timer I)
  double timer_d = 32.0;  ///< an INVITE client's wait for retransmitted final responses (UDP)
  /// An INVITE our user has not answered finally by then is answered 408 by the stack, and one of
  /// ours answered only provisionally is cancelled, so that neither side keeps a transaction for
  /// good (after a proxy's Timer C, which is above 3 min, RFC 3261 16.6 step 11).
  double timer_c = 181.0;
};

struct SipCounters {
  uint64_t requests_sent = 0;
  uint64_t retransmissions = 0;
  uint64_t timeouts = 0;
  uint64_t retransmissions_absorbed = 0;
  uint64_t bytes_sent = 0;
  uint64_t malformed = 0;
  uint64_t ack_timeouts = 0;         ///< INVITE server: a final response never ACKed (Timer H / L)
  /// Our user's responses to an INVITE with no transaction waiting for one (it had its final
  /// response, or ended): not sent.
  uint64_t late_responses = 0;
  uint64_t cancels_received = 0;     ///< CANCELs that ended an INVITE not yet answered
  /// CANCELs matching no INVITE (answered 481) and ACKs matching no 2xx waiting for one (those
  /// of a 2xx retransmitted after its ACK was lost included).
  uint64_t unmatched = 0;
  uint64_t invites_unanswered = 0;   ///< INVITEs answered 408 by the stack on timer_c
  /// INVITEs answered at once without a transaction: no RFC 3261 branch (400), a merged request
  /// (482), or over the limit of transactions (503).
  uint64_t invites_refused = 0;
};

/// What an INVITE client transaction reports.
struct InviteHandlers {
  /// A provisional response (100-199).
  std::function<void(const SipMessage&)> provisional;
  /// The first final response, or nullptr when Timer B fired with no response at all or timer_c
  /// with provisional responses only (the INVITE then cancelled). A 300-699
  /// has been ACKed by the transaction; a 2xx must be ACKed by the caller (SendAck).
  std::function<void(const SipMessage*)> final;
  /// A 2xx again (its ACK was lost): ACK it again.
  std::function<void(const SipMessage&)> retransmitted_2xx;
};

class SipStack {
 public:
  /// nullptr: Timer F fired (no final response).
  using ResponseFn = std::function<void(const SipMessage* response)>;
  using RequestFn = std::function<void(const Endpoint& from, const SipMessage& request)>;

  SipStack(Host& host, SipTimers timers, bool tcp) : host_(host), timers_(timers), tcp_(tcp) {}
  ~SipStack();

  /// A non-INVITE request: adds our Via (with a fresh branch) and sends; `done` gets the final
  /// response.
  void SendRequest(const Endpoint& to, SipMessage request, ResponseFn done);
  /// An INVITE as a client transaction (adds our Via); returns its branch, which names it.
  std::string SendInvite(const Endpoint& to, SipMessage invite, InviteHandlers handlers);
  /// Cancels the INVITE of `invite_branch` (9.1): the CANCEL goes out once a provisional response
  /// has come (at once if one has). `done` gets the CANCEL's final response (nullptr: none, or a
  /// final response to the INVITE came first and there was nothing to cancel). False if no INVITE
  /// of that branch awaits a final response.
  bool SendCancel(const std::string& invite_branch, ResponseFn done);
  /// The ACK of a 2xx (13.2.2.4): end to end with a Via of its own, no transaction.
  void SendAck(const Endpoint& to, SipMessage ack);
  /// Sends a response to the request's sender and keeps it for retransmitted requests. To an
  /// INVITE: nothing is sent once a final response was (counted in late_responses).
  void SendResponse(const Endpoint& to, const SipMessage& response);
  /// Bytes received from `from`.
  void OnBytes(const Endpoint& from, ByteView data);
  /// Forwards a message unchanged (a proxy): no transaction state.
  void Forward(const Endpoint& to, const SipMessage& m);

  void SetRequestHandler(RequestFn fn) { on_request_ = std::move(fn); }
  /// A response matching no client transaction (e.g. one a stateless proxy relays).
  void SetStrayResponseHandler(std::function<void(const SipMessage&)> fn) { on_stray_response_ = std::move(fn); }
  /// The stack ended an INVITE our user had not answered finally: a CANCEL came (it answered
  /// 487) or timer_c passed (408). The user's later answer is not sent.
  void SetInviteEndedHandler(std::function<void(const SipMessage& invite, int status)> fn) {
    on_invite_ended_ = std::move(fn);
  }
  /// At most this many INVITE server transactions at once; more INVITEs get 503.
  void set_max_invite_transactions(size_t n) { max_invite_servers_ = n; }
  /// A 2xx we sent was never ACKed (13.3.1.4): the dialog should be ended with BYE.
  void SetAckTimeoutHandler(std::function<void(const SipMessage& ok)> fn) { on_ack_timeout_ = std::move(fn); }
  const SipCounters& counters() const { return counters_; }
  /// Server transactions kept (non-INVITE: to absorb retransmitted requests for 64 T1).
  size_t server_transactions() const { return server_last_.size() + invite_servers_.size(); }
  /// Client transactions not yet ended (non-INVITE and INVITE).
  size_t client_transactions() const { return clients_.size() + invite_clients_.size(); }
  bool tcp() const { return tcp_; }
  std::string NewToken();

 private:
  struct Client {
    Endpoint to;
    std::string method;
    Bytes wire;
    ResponseFn done;
    double interval = 0;
    uint64_t timer_e = 0, timer_f = 0;
  };
  struct InviteClient {
    enum class State { kCalling, kProceeding, kAccepted, kCompleted };
    Endpoint to;
    SipMessage invite;  ///< as sent, with our Via
    Bytes wire;
    InviteHandlers handlers;
    State state = State::kCalling;
    double interval = 0;
    TimerId timer_a = 0, timer_b = 0, timer_end = 0;  ///< timer_b: B, then C; timer_end: D or M
    TimerId timer_cancel = 0;                          ///< 64 T1 after our CANCEL
    Bytes ack;                                         ///< Completed: the ACK of the final response
    std::optional<ResponseFn> cancel;                  ///< a CANCEL waiting for a provisional response
    bool cancel_sent = false;
  };
  struct InviteServer {
    enum class State { kProceeding, kAccepted, kCompleted, kConfirmed };
    Endpoint peer;
    SipMessage invite;
    State state = State::kProceeding;
    Bytes last;  ///< the last response sent
    double interval = 0;
    TimerId timer_g = 0, timer_h = 0, timer_end = 0;  ///< G/H or their 2xx twins; I
    TimerId timer_c = 0;
    bool acked = false;
    std::string to_tag;            ///< of our responses (8.2.6.2: one for all but 100)
    std::optional<SipMessage> ok;  ///< the 2xx sent (Accepted)
  };
  void StartClient(const Endpoint& to, const std::string& branch, const std::string& method, Bytes wire,
                   ResponseFn done);
  void Transmit(const Endpoint& to, const Bytes& wire);
  void OnTimerE(const std::string& branch);
  void OnTimerF(const std::string& branch);
  void OnInviteResponse(InviteClient& c, const std::string& branch, const SipMessage& r);
  void SendCancelNow(InviteClient& c, const std::string& branch, ResponseFn done);
  void EndInviteClient(const std::string& branch);
  void OnInviteRequest(const Endpoint& from, const SipMessage& invite);
  void RefuseInvite(const Endpoint& from, const SipMessage& invite, int status, const char* reason);
  std::string ToTagOf(InviteServer& s);
  void OnAck(const Endpoint& from, const SipMessage& ack);
  void OnCancel(const Endpoint& from, const SipMessage& cancel);
  void SendInviteResponse(InviteServer& s, const std::string& branch, const SipMessage& response);
  void OnTimerG(const std::string& branch);
  void OnTimerH(const std::string& branch);
  void EndInviteServer(const std::string& branch);
  static std::string AckKey(const SipMessage& m);     ///< a 2xx and its ACK: dialog and CSeq number
  static std::string ServerKey(const SipMessage& m);  ///< top Via branch and sent-by

  Host& host_;
  SipTimers timers_;
  bool tcp_;
  std::map<std::string, Client> clients_;       ///< by branch
  std::map<std::string, Bytes> server_last_;    ///< by branch + method: the last response
  std::map<std::string, Endpoint> server_peer_;
  std::map<std::string, InviteClient> invite_clients_;  ///< by branch
  std::map<std::string, InviteServer> invite_servers_;  ///< by ServerKey
  std::map<std::string, std::string> awaiting_ack_;     ///< AckKey of a 2xx sent -> ServerKey
  size_t max_invite_servers_ = 1000;
  RequestFn on_request_;
  std::function<void(const SipMessage&)> on_stray_response_;
  std::function<void(const SipMessage&)> on_ack_timeout_;
  std::function<void(const SipMessage&, int)> on_invite_ended_;
  SipCounters counters_;
};

}  // namespace mcx::procedures
