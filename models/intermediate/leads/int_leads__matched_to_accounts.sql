{#-
    Lead-to-account matching: each lead not converted yet that belongs to an existing account, with how it was
    matched and how sure the match is. An account's domains are its website's and its contacts' company email
    domains (free email services never stand for a company).
      email_domain   the lead writes from an account's domain: 0.95, or 0.6 when several accounts share it
                     (the oldest is taken);
      company_name   no domain match, and the lead's normalised company name is one account's: 0.85 when the
                     lead writes from a free email service or none, 0.6 when neither its domain nor the
                     account's says otherwise (the account has no known domain), and 0.4 when several accounts
                     share the name (the oldest is taken). A company domain of the lead that is not the
                     account's contradicts a name match: no match.
-#}

with

leads as (
    select
        lead_id,
        email_domain,
        {{ normalised_company_name('company_name') }} as company_key
    from {{ ref('stg_salesforce__leads') }}
    where not is_converted
),

free_domains as (
    select email_domain from {{ ref('free_email_domains') }}
),

accounts as (
    select
        account_id,
        created_at,
        {{ normalised_company_name('account_name') }} as company_key
    from {{ ref('stg_salesforce__accounts') }}
),

known_domains as (
    select
        account_id,
        website_domain as email_domain
    from {{ ref('stg_salesforce__accounts') }}
    union all
    select
        account_id,
        email_domain
    from {{ ref('stg_salesforce__contacts') }}
),

account_domains as (
    select distinct
        known_domains.account_id,
        known_domains.email_domain
    from known_domains
    left join free_domains on known_domains.email_domain = free_domains.email_domain
    where
        known_domains.email_domain is not null
        and known_domains.account_id is not null
        and free_domains.email_domain is null
),

domain_candidates as (
    select
        leads.lead_id,
        account_domains.account_id,
        count(*) over (partition by leads.lead_id) as candidate_count,
        row_number() over (
            partition by leads.lead_id order by accounts.created_at asc, accounts.account_id asc
        ) as candidate_rank
    from leads
    inner join account_domains on leads.email_domain = account_domains.email_domain
    inner join accounts on account_domains.account_id = accounts.account_id
),

name_candidates as (
    select
        leads.lead_id,
        accounts.account_id,
        free_domains.email_domain is not null or leads.email_domain is null as writes_from_no_company,
        count(*) over (partition by leads.lead_id) as candidate_count,
        row_number() over (
            partition by leads.lead_id order by accounts.created_at asc, accounts.account_id asc
        ) as candidate_rank
    from leads
    inner join accounts on leads.company_key = accounts.company_key
    left join free_domains on leads.email_domain = free_domains.email_domain
),

accounts_with_domains as (
    select distinct account_id from account_domains
),

name_matches as (
    select
        name_candidates.lead_id,
        name_candidates.account_id,
        case
            when name_candidates.candidate_count > 1 then 0.4
            when name_candidates.writes_from_no_company then 0.85
            else 0.6
        end as match_confidence
    from name_candidates
    left join accounts_with_domains on name_candidates.account_id = accounts_with_domains.account_id
    where
        name_candidates.candidate_rank = 1
        -- A company domain that is not the account's says it is another company of the same name.
        and (name_candidates.writes_from_no_company or accounts_with_domains.account_id is null)
),

final as (
    select
        lead_id,
        account_id,
        'email_domain' as match_method,
        case when candidate_count > 1 then 0.6 else 0.95 end as match_confidence
    from domain_candidates
    where candidate_rank = 1
    union all
    select
        name_matches.lead_id,
        name_matches.account_id,
        'company_name' as match_method,
        name_matches.match_confidence
    from name_matches
    left join domain_candidates on name_matches.lead_id = domain_candidates.lead_id
    where domain_candidates.lead_id is null
)

select * from final
