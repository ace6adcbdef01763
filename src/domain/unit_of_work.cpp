#include <future>

#include "csms/domain/ports.hpp"

namespace csms::domain {

void UnitOfWorkRunner::run_and_wait(std::function<void(Repositories&)> work) {
  std::promise<void> done;
  auto future = done.get_future();
  run(std::move(work), [&done](std::exception_ptr error) {
    if (error)
      done.set_exception(error);
    else
      done.set_value();
  });
  future.get();
}

bool is_store_unavailable(const std::exception_ptr& error) {
  if (!error) return false;
  try {
    std::rethrow_exception(error);
  } catch (const StoreUnavailable&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace csms::domain
