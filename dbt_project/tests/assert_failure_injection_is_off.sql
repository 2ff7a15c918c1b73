-- Test-only switch (`--vars '{scoring_fail_build: true}'`): fails the build on purpose, so the test suite
-- can check that a failing build publishes nothing. Always passes otherwise.
select 'the build was asked to fail (var scoring_fail_build)' as reason
where {{ 'true' if var('scoring_fail_build') else 'false' }}
